"""SQL over the passes of an audience."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.models import Pass


async def count(session: AsyncSession, condition: ColumnElement[bool]) -> int:
    """How many passes meet ``condition`` (from ``selection.where``)."""
    return await session.scalar(select(func.count()).select_from(Pass).where(condition)) or 0


async def exists(session: AsyncSession, condition: ColumnElement[bool]) -> bool:
    """Whether any pass meets ``condition``."""
    return await session.scalar(select(Pass.id).where(condition).limit(1)) is not None


async def pass_ids(session: AsyncSession, condition: ColumnElement[bool]) -> Sequence[int]:
    """The ids of the passes meeting ``condition``, in id order."""
    return (await session.scalars(select(Pass.id).where(condition).order_by(Pass.id))).all()
