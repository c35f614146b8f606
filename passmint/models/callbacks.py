"""Callback specs: where a project's install and uninstall events go, and the secret that signs them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt, UpdatedAt


class CallbackSpec(Base):
    """One per project (the reference's "callback specification")."""

    __tablename__ = "callback_specs"

    project_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    base_url: Mapped[str] = mapped_column(String(2048))
    sealed_headers: Mapped[bytes] = mapped_column(LargeBinary)
    """The headers sent with every delivery (a JSON object, name to value: often credentials), sealed
    like the signing secret and bound to the project id (see ``callbacks.service``)."""
    sealed_signing_secret: Mapped[bytes] = mapped_column(LargeBinary)
    """The ``whsec_...`` signing secret sealed with ``kit.crypto.SecretBox``, bound to the project id."""
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
