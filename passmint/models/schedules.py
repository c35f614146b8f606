"""Schedules: an update or a notification for a project's passes, to be run once at a set time."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt, UpdatedAt


class Schedule(Base):
    __tablename__ = "schedules"
    __table_args__ = (Index("ix_schedules_project_id_scheduled_at", "project_id", "scheduled_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str | None] = mapped_column(String(255))
    scheduled_at: Mapped[datetime]
    """When it runs (the wire's ``scheduled_time``), in UTC."""
    action: Mapped[str] = mapped_column(String(16))
    """``update`` (change fields) or ``notify`` (send a notification)."""
    audience: Mapped[dict[str, Any]]
    """The audience selector, as ``passmint.audiences`` prints it."""
    template_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("templates.id", ondelete="CASCADE"), index=True
    )
    """An update's ``template``: only that template's passes of the audience."""
    content: Mapped[dict[str, Any]]
    """The ``pass`` object: ``{"fields": {...}}`` for an update, ``{"notification": {...}}`` to notify."""
    ticket_id: Mapped[int] = mapped_column(BigId, ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    """Opened at creation, kept across replaces; the run reports on it."""
    version: Mapped[int] = mapped_column(default=1)
    """Raised by every replace: a queued run of an older version does nothing."""
    ran_at: Mapped[datetime | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
