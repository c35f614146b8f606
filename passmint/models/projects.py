"""Projects: a pass type, barcode settings, and the templates and passes made in them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt, IdPk, UpdatedAt


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("account_id", "external_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(255))
    context_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text)
    project_type: Mapped[str] = mapped_column(String(32))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    apple_certificate_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="RESTRICT"), index=True
    )
    """The certificate that signs the project's Apple passes; the account's default when unset."""
    google_certificate_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="RESTRICT"), index=True
    )
    """The Google credential that issues the project's Google passes; the account's default when unset."""
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
