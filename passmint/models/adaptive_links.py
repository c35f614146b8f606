"""Adaptive links: one URL that hands an iPhone its Apple pass and an Android phone its Google pass."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from passmint.kit.time import utcnow
from passmint.models.base import Base, BigId, CreatedAt, IdPk, UpdatedAt, UtcDateTime


class AdaptiveLink(Base):
    """A link and, for each platform, its half: the template, the checked pass it makes (``*_draft``),
    the id of that half as a "pass link" (``*_pass_link_id``) and, unless the link is personalised,
    the one pass every visit hands out (``*_pass_id``).

    ``kind`` is ``single`` for ``POST /links/adaptive``; the ``links/adaptive/multiple`` forms (a link
    per passenger or attendee, ``links/multiple.py``) are rows of kind ``flight``/``event`` with the
    person's pass values in ``payload`` and their flight or event in ``journey_id``.
    """

    __tablename__ = "adaptive_links"
    __table_args__ = (UniqueConstraint("project_id", "external_id"), {"sqlite_autoincrement": True})

    id: Mapped[IdPk]
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    """The ``adaptiveLinkId``: the unguessable part of the link's URLs."""
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16), default="single")
    """``single``, or ``flight``/``event`` for a passenger's or attendee's link of the multiple form."""
    journey_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("journeys.id", ondelete="SET NULL"), index=True
    )
    """The flight or event every pass the link makes shows (the multiple form's links)."""
    ios_template_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("templates.id", ondelete="SET NULL"), index=True
    )
    android_template_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("templates.id", ondelete="SET NULL"), index=True
    )
    ios_pass_link_id: Mapped[uuid.UUID | None]
    android_pass_link_id: Mapped[uuid.UUID | None]
    ios_draft: Mapped[dict[str, Any] | None]
    android_draft: Mapped[dict[str, Any] | None]
    ios_pass_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("passes.id", ondelete="SET NULL"))
    android_pass_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("passes.id", ondelete="SET NULL"))
    is_personalized: Mapped[bool] = mapped_column(default=False)
    landing_page_url: Mapped[str | None] = mapped_column(String(2048))
    expiration_date: Mapped[date | None]
    available_passes: Mapped[int] = mapped_column(BigId)
    """How many more passes the link may make (counted down as it makes them)."""
    ttl_in_days: Mapped[int]
    parameter_encoding: Mapped[str | None] = mapped_column(String(16))
    location_radius: Mapped[int | None]
    max_result_locations: Mapped[int | None]
    install_limit: Mapped[int | None] = mapped_column(BigId)
    install_limit_per_pass_external_id: Mapped[int | None] = mapped_column(BigId)
    deliveries: Mapped[int] = mapped_column(BigId, default=0)
    """How many times the link has handed out a pass (``installLimit`` caps it)."""
    payload: Mapped[dict[str, Any]]
    locations: Mapped[list[Any]]
    active_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    """The last visit or change (at day precision): ``ttlInDays`` counts from it."""
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class AdaptiveLinkPass(Base):
    """A pass an adaptive link made, and how many times the link has handed it out."""

    __tablename__ = "adaptive_link_passes"

    pass_id: Mapped[int] = mapped_column(BigId, ForeignKey("passes.id", ondelete="CASCADE"), primary_key=True)
    link_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("adaptive_links.id", ondelete="CASCADE"), index=True
    )
    deliveries: Mapped[int] = mapped_column(BigId, default=0)
