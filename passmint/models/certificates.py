"""Apple Pass Type ID certificates and Google service accounts of an account, private keys sealed at rest.

A Google credential keeps its issuer id in ``base_name`` and its service account's e-mail in
``team_identifier`` (the pair a renewal matches on); it has no certificate, so its PEM columns are empty."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt, UpdatedAt


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("account_id", "base_name", "team_identifier"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    vendor: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(255))
    comment: Mapped[str | None] = mapped_column(Text)
    base_name: Mapped[str] = mapped_column(String(255))
    """The pass type identifier the certificate signs for (its subject UID)."""
    team_identifier: Mapped[str] = mapped_column(String(255))
    is_enabled: Mapped[bool]
    is_default: Mapped[bool]
    has_nfc_support: Mapped[bool]
    validity_start: Mapped[datetime]
    validity_end: Mapped[datetime]
    certificate_pem: Mapped[str] = mapped_column(Text)
    wwdr_pem: Mapped[str] = mapped_column(Text)
    google_key_id: Mapped[str | None] = mapped_column(String(255))
    """A Google service account's ``private_key_id``."""
    google_project_id: Mapped[str | None] = mapped_column(String(255))
    """The Cloud project of a Google service account."""
    sealed_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    """PKCS#8 private key sealed with ``kit.crypto.SecretBox``, bound to this row's id."""
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
