"""Templates: a pass design (headers, fields, images, beacons) of one vendor, inside a project."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt, IdPk, UpdatedAt


class Template(Base):
    __tablename__ = "templates"
    __table_args__ = (
        UniqueConstraint("account_id", "external_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    vendor: Mapped[str] = mapped_column(String(16))
    """``Apple`` or ``Google``."""
    type: Mapped[str | None] = mapped_column(String(64))
    """The reference's free-form template type, e.g. ``Store Card``."""
    is_disabled: Mapped[bool] = mapped_column(default=False)
    deleted_at: Mapped[datetime | None]
    """Set by DELETE: the template is gone from the API, its passes keep working."""
    expiry: Mapped[dict[str, Any] | None]
    design: Mapped[dict[str, Any]]
    """Headers, fields, beacons and semantics, as the API accepts them (see designs.py)."""
    image_digests: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Header name (``icon_image``...) to the digest of its stored PNG in ``images``."""
    created_at: Mapped[CreatedAt]
    change_seq: Mapped[int] = mapped_column(BigId, default=0)
    """The change clock's value at the template's last change, which changed all its passes
    (see changes.py)."""
    updated_at: Mapped[UpdatedAt]


class Location(Base):
    """A place where a template's (or one pass's) passes show on the lock screen."""

    __tablename__ = "locations"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[IdPk]
    template_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("templates.id", ondelete="CASCADE"), index=True
    )
    pass_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("passes.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any]]
    created_at: Mapped[CreatedAt]
