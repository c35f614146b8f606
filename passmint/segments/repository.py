"""SQL for segments, always within one project."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.models import Segment


async def of_project(session: AsyncSession, project_id: int) -> Sequence[Segment]:
    statement = select(Segment).where(Segment.project_id == project_id)
    return (await session.scalars(statement.order_by(Segment.created_at, Segment.id))).all()


async def get(session: AsyncSession, project_id: int, segment_id: uuid.UUID) -> Segment | None:
    return await session.scalar(
        select(Segment).where(Segment.project_id == project_id, Segment.id == segment_id)
    )


async def add(session: AsyncSession, segment: Segment) -> Segment:
    session.add(segment)
    await session.flush()
    return segment


async def remove(session: AsyncSession, segment: Segment) -> None:
    await session.delete(segment)
    await session.flush()
