"""Passes: one person's copy of a template, with its own values, tokens and install state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt, IdPk, UpdatedAt


class Pass(Base):
    __tablename__ = "passes"
    __table_args__ = (
        UniqueConstraint("template_id", "external_id"),
        Index("ix_passes_template_id_id", "template_id", "id"),
        Index("ix_passes_account_id_external_id", "account_id", "external_id"),  # a pass by external id alone
        {"sqlite_autoincrement": True},
    )

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int] = mapped_column(BigId, ForeignKey("templates.id", ondelete="CASCADE"))
    external_id: Mapped[str | None] = mapped_column(String(255))
    serial_number: Mapped[str] = mapped_column(String(64), unique=True)
    authentication_token: Mapped[str] = mapped_column(String(64))
    """Written into pass.json; phones send it back on every web-service call. Never logged."""
    public_token: Mapped[str] = mapped_column(String(64), unique=True)
    """The unguessable part of the pass's public install URL."""
    values: Mapped[dict[str, Any]]
    """The pass's own fields, headers, beacons, nfc and semantics over its template's."""
    image_digests: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Images the pass sets over its template's: header name to the digest of the stored PNG."""
    personalization_token_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 (hex) of the personalization token signed for this pass: it is signed for no other."""
    change_seq: Mapped[int] = mapped_column(BigId, default=0)
    """The change clock's value at the pass's last change (see changes.py)."""
    installed_at: Mapped[datetime | None]
    uninstalled_at: Mapped[datetime | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class ChangeClock(Base):
    """One row counting changes to passes, in commit order (see changes.py)."""

    __tablename__ = "change_clock"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigId)


class Tag(Base):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("account_id", "name"), {"sqlite_autoincrement": True})

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[CreatedAt]


class PassTag(Base):
    __tablename__ = "pass_tags"

    pass_id: Mapped[int] = mapped_column(BigId, ForeignKey("passes.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )
