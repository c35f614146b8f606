"""SQL over the passes of an audience."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.models import Pass, Project, Segment


async def count(session: AsyncSession, condition: ColumnElement[bool]) -> int:
    """How many passes meet ``condition`` (from ``selection.where``)."""
    return await session.scalar(select(func.count()).select_from(Pass).where(condition)) or 0


async def exists(session: AsyncSession, condition: ColumnElement[bool]) -> bool:
    """Whether any pass meets ``condition``."""
    return await session.scalar(select(Pass.id).where(condition).limit(1)) is not None


async def pass_ids(session: AsyncSession, condition: ColumnElement[bool]) -> Sequence[int]:
    """The ids of the passes meeting ``condition``, in id order."""
    return (await session.scalars(select(Pass.id).where(condition).order_by(Pass.id))).all()


async def segment_criteria(
    session: AsyncSession, account_id: int, project_id: int | None, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """The criteria of the segments ``ids`` of the account (of ``project_id``, when given) that exist."""
    statement = (
        select(Segment.id, Segment.criteria)
        .join(Project, Project.id == Segment.project_id)
        .where(Segment.id.in_(ids), Project.account_id == account_id)
    )
    if project_id is not None:
        statement = statement.where(Segment.project_id == project_id)
    return {segment_id: criteria for segment_id, criteria in (await session.execute(statement)).all()}
