"""NFC merchants: the keys and merchant details a project's passes use at NFC terminals."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt, UpdatedAt


class NfcMerchant(Base):
    __tablename__ = "nfc_merchants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    vendor: Mapped[str] = mapped_column(String(16))
    """``APPLE``, ``GOOGLE`` or ``ANY`` (both)."""
    merchant_name: Mapped[str | None] = mapped_column(String(255))
    merchant_email: Mapped[str | None] = mapped_column(String(255))
    terminal_provider: Mapped[str | None] = mapped_column(String(255))
    public_key_pem: Mapped[str] = mapped_column(Text)
    """Base64 DER of the EC P-256 SubjectPublicKeyInfo, without PEM armour (as the reference prints it)."""
    key_version: Mapped[int | None]
    key_source: Mapped[str] = mapped_column(String(16))
    """``GENERATED`` (the private key was returned once, and is kept nowhere) or ``IMPORTED``."""
    smart_tap_collector_id: Mapped[str | None] = mapped_column(String(64))
    smart_tap_issuer_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
