"""Nonces of Google Wallet's save and delete callbacks, kept so that a replayed callback changes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, CreatedAt


class GoogleCallbackNonce(Base):
    """A callback's ``nonce``, kept until ``expires_at`` (its message's expiry, and at least 7 days)."""

    __tablename__ = "google_callback_nonces"

    nonce: Mapped[str] = mapped_column(String(255), primary_key=True)
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[datetime] = mapped_column(index=True)
