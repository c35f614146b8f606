"""Segments: a project's saved tag selector (``and``/``or``/``not`` of tags), named and reusable."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from passmint.models.base import Base, BigId, CreatedAt, UpdatedAt


class Segment(Base):
    __tablename__ = "segments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    criteria: Mapped[dict[str, Any]]
    """The selector as ``audiences.criteria_json`` prints it (tags only, lower-case operators)."""
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
