"""Images: PNG bytes stored once per content, shared by every template and pass that shows them."""

from __future__ import annotations

from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, CreatedAt


class Image(Base):
    """A PNG, named by the SHA-256 of its bytes (so one row may serve several accounts safely)."""

    __tablename__ = "images"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    """Bytes in ``data``."""
    data: Mapped[bytes] = mapped_column(LargeBinary)
    source_url: Mapped[str | None] = mapped_column(Text)
    """The first http(s) URL the image came from; None for a ``data:`` URL."""
    created_at: Mapped[CreatedAt]
