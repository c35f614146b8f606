"""Flights and events ("journeys"): stored once, referenced by the passes showing them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt, IdPk, UpdatedAt


class Journey(Base):
    """A flight (``kind`` "flight") or an event ("event") of a project: its fields as the API shows them,
    and the Apple semantic tags its passes carry (checked and completed when written)."""

    __tablename__ = "journeys"
    __table_args__ = (UniqueConstraint("project_id", "kind", "external_id"),)

    id: Mapped[IdPk]
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(255))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON())
    """Field name to ``{"label", "value"}``, default labels filled in; ``semantics`` is not among them."""
    semantics: Mapped[dict[str, Any]] = mapped_column(JSON())
    """Apple's semantic tags (pass.json spelling), as sent and completed from the fields."""
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class JourneyGroup(Base):
    """A journey's membership of one named pass group of its project."""

    __tablename__ = "journey_groups"
    __table_args__ = (Index("ix_journey_groups_project_kind_name", "project_id", "kind", "name"),)

    journey_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("journeys.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    project_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(16))


class JourneyPass(Base):
    """A pass showing a journey (one journey per pass, at most)."""

    __tablename__ = "journey_passes"

    pass_id: Mapped[int] = mapped_column(BigId, ForeignKey("passes.id", ondelete="CASCADE"), primary_key=True)
    journey_id: Mapped[int] = mapped_column(BigId, ForeignKey("journeys.id", ondelete="CASCADE"), index=True)
