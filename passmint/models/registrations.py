"""Devices, the registrations of passes on them (kept as history), and the logs devices send."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt, IdPk, UpdatedAt


class Device(Base):
    """A wallet on a phone, as Apple's web service names it: ``deviceLibraryIdentifier``."""

    __tablename__ = "devices"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[IdPk]
    device_library_identifier: Mapped[str] = mapped_column(String(255), unique=True)
    push_token: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class Registration(Base):
    """One pass on one device, from registration until it ends (``ended_at``).

    A Google Wallet save has no device (``device_id`` None): each save is a registration of its own,
    and nothing is pushed to it."""

    __tablename__ = "registrations"
    __table_args__ = (
        Index(
            "uq_registrations_active",
            "pass_id",
            "device_id",
            unique=True,
            postgresql_where=text("ended_at IS NULL"),
            sqlite_where=text("ended_at IS NULL"),
        ),
        Index("ix_registrations_device_id_pass_type_identifier", "device_id", "pass_type_identifier"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    pass_id: Mapped[int] = mapped_column(BigId, ForeignKey("passes.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("devices.id", ondelete="CASCADE"))
    pass_type_identifier: Mapped[str] = mapped_column(String(255))
    wallet: Mapped[str] = mapped_column(String(32))
    device_os: Mapped[str] = mapped_column(String(16))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[CreatedAt]
    ended_at: Mapped[datetime | None]


class DeviceLog(Base):
    """A message a wallet app sent to ``POST /log``, tied to the pass it names when it names one."""

    __tablename__ = "device_logs"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[IdPk]
    pass_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("passes.id", ondelete="SET NULL"), index=True
    )
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[CreatedAt] = mapped_column(index=True)
    """Rows older than ``PASSMINT_DEVICE_LOG_RETENTION_DAYS`` are deleted."""
