"""Google Wallet sync state: which passes Google knows, their messages, and each credential's rate slot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt, IdPk, UpdatedAt


class GoogleObject(Base):
    """A pass whose object exists at Google (passmint inserted it, or a holder saved it): changes to it
    are sent to Google as patches."""

    __tablename__ = "google_objects"

    pass_id: Mapped[int] = mapped_column(BigId, ForeignKey("passes.id", ondelete="CASCADE"), primary_key=True)
    known_at: Mapped[CreatedAt]
    notified_at: Mapped[list[Any]] = mapped_column(default=list)
    """When notifications that light up the phone were sent (ISO 8601, the last 24 hours only)."""


class GoogleMessage(Base):
    """A message on a Google pass (``POST .../message``, or a notify), as sent to Google's object."""

    __tablename__ = "google_messages"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[IdPk]
    pass_id: Mapped[int] = mapped_column(BigId, ForeignKey("passes.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[str] = mapped_column(String(64))
    """The message's id at Google (``pm-...``)."""
    kind: Mapped[str] = mapped_column(String(16))
    """``message`` (the messages API) or ``notification`` (notify; removed by DELETE notify)."""
    header: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    message_type: Mapped[str] = mapped_column(String(32))
    """The reference's type: ``text`` or ``expirationNotification``."""
    start_at: Mapped[datetime | None]
    end_at: Mapped[datetime | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class GoogleRate(Base):
    """One credential's shared rate limiter: the theoretical arrival time of its next call (GCRA)."""

    __tablename__ = "google_rate"

    credential: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float(precision=53))
    """Seconds since the epoch."""
