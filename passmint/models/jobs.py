"""Jobs: durable background work, written in the same transaction as the change that causes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, CreatedAt, IdPk, UpdatedAt


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_run_at", "status", "run_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[IdPk]
    name: Mapped[str] = mapped_column(String(64))
    """What to run: ``"<domain>.<verb>"``, registered with ``jobs.registry.job``."""
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16))
    """``queued``, ``running``, ``done`` or ``dead``."""
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int]
    run_at: Mapped[datetime]
    locked_by: Mapped[str | None] = mapped_column(String(64))
    locked_until: Mapped[datetime | None]
    """A running job whose lease ran out (its worker died) is taken again."""
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
