"""Dynamic pass links: a pass checked and waiting, made when its link is first opened."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt


class DynamicLink(Base):
    """``POST /pass/{templateId}/dynamic``: the link's id is the unguessable part of its URL."""

    __tablename__ = "dynamic_links"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int] = mapped_column(BigId, ForeignKey("templates.id", ondelete="CASCADE"))
    draft: Mapped[dict[str, Any]]
    """The pass as checked when the link was made: values, image digests, locations, tags, external id."""
    pass_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("passes.id", ondelete="CASCADE"))
    """The pass the first opening made; deleting the pass deletes the link."""
    created_at: Mapped[CreatedAt]
