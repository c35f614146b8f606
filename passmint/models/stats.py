"""Counters behind statistics and activity: events per template per UTC day per platform, and each
template's passes by state, kept in the transaction of the change that moves them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId


class DailyCount(Base):
    """What happened to a template's passes on one UTC day, from one platform: passes created,
    installs and uninstalls (events: a pass installed, removed and installed again counts two installs)."""

    __tablename__ = "stats_daily"

    template_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("templates.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    """``ios``/``watchos``/``macos``/``android``: the device's system; for ``created``, the template's."""
    created: Mapped[int] = mapped_column(BigId, default=0)
    installed: Mapped[int] = mapped_column(BigId, default=0)
    uninstalled: Mapped[int] = mapped_column(BigId, default=0)


class TemplateCount(Base):
    """A template's passes now: how many exist, are installed, and were uninstalled (unique passes)."""

    __tablename__ = "stats_templates"

    template_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("templates.id", ondelete="CASCADE"), primary_key=True
    )
    total: Mapped[int] = mapped_column(BigId, default=0)
    installed: Mapped[int] = mapped_column(BigId, default=0)
    uninstalled: Mapped[int] = mapped_column(BigId, default=0)
    updated_at: Mapped[datetime]
