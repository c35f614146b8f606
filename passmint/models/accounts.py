"""Accounts (the tenants) and their API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt, IdPk


class Account(Base):
    """A customer of the platform; everything it creates belongs to it."""

    __tablename__ = "accounts"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[IdPk]
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[CreatedAt]


class ApiKey(Base):
    """One ``key:secret`` pair of an account, the secret stored hashed."""

    __tablename__ = "api_keys"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[CreatedAt]
    revoked_at: Mapped[datetime | None]
