"""SQL for schedules."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Delete, Update, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.time import utcnow
from passmint.models import Account, Project, Schedule, Template


async def get(session: AsyncSession, project_id: int, schedule_id: uuid.UUID) -> Schedule | None:
    return await session.scalar(
        select(Schedule).where(Schedule.project_id == project_id, Schedule.id == schedule_id)
    )


async def reload(session: AsyncSession, schedule_id: uuid.UUID) -> Schedule | None:
    """A schedule by id alone, read afresh from the database."""
    return await session.scalar(
        select(Schedule).where(Schedule.id == schedule_id).execution_options(populate_existing=True)
    )


async def mark_ran(session: AsyncSession, schedule_id: uuid.UUID, version: int, now: datetime) -> bool:
    """Mark the schedule run if it is still at ``version`` and has not run; whether it was.

    One conditional statement, so of several transactions racing to run (or to replace, or delete) a
    schedule exactly one wins, on PostgreSQL (the row lock, then the condition checked again) and on
    SQLite (one writer at a time) alike.
    """
    return await _changed(
        session,
        update(Schedule)
        .where(Schedule.id == schedule_id, Schedule.version == version, Schedule.ran_at.is_(None))
        .values(ran_at=now),
    )


async def replace_pending(
    session: AsyncSession, schedule_id: uuid.UUID, version: int, values: dict[str, Any]
) -> bool:
    """Write ``values`` and the next version if the schedule is still at ``version`` and has not run."""
    return await _changed(
        session,
        update(Schedule)
        .where(Schedule.id == schedule_id, Schedule.version == version, Schedule.ran_at.is_(None))
        .values(**values, version=version + 1, updated_at=utcnow()),
    )


async def delete_pending(session: AsyncSession, schedule_id: uuid.UUID) -> bool:
    """Delete the schedule unless it ran; whether it was deleted."""
    return await _changed(
        session, delete(Schedule).where(Schedule.id == schedule_id, Schedule.ran_at.is_(None))
    )


async def _changed(session: AsyncSession, statement: Update | Delete) -> bool:
    result = await session.execute(statement, execution_options={"synchronize_session": False})
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def pending_page(
    session: AsyncSession, project_id: int, *, after: Schedule | None, limit: int, descending: bool
) -> Sequence[Schedule]:
    """Up to ``limit`` schedules of the project that have not run, by time (ties by id), after ``after``."""
    statement = select(Schedule).where(Schedule.project_id == project_id, Schedule.ran_at.is_(None))
    if after is not None:
        if descending:
            beyond = or_(
                Schedule.scheduled_at < after.scheduled_at,
                and_(Schedule.scheduled_at == after.scheduled_at, Schedule.id < after.id),
            )
        else:
            beyond = or_(
                Schedule.scheduled_at > after.scheduled_at,
                and_(Schedule.scheduled_at == after.scheduled_at, Schedule.id > after.id),
            )
        statement = statement.where(beyond)
    ordering = (Schedule.scheduled_at.asc(), Schedule.id.asc())
    if descending:
        ordering = (Schedule.scheduled_at.desc(), Schedule.id.desc())
    return (await session.scalars(statement.order_by(*ordering).limit(limit))).all()


async def count_pending(session: AsyncSession, project_id: int) -> int:
    total = await session.scalar(
        select(func.count())
        .select_from(Schedule)
        .where(Schedule.project_id == project_id, Schedule.ran_at.is_(None))
    )
    return total or 0


async def live_template(session: AsyncSession, project_id: int, template_id: int) -> Template | None:
    """The project's template ``template_id`` unless it was deleted."""
    return await session.scalar(
        select(Template).where(
            Template.id == template_id, Template.project_id == project_id, Template.deleted_at.is_(None)
        )
    )


async def live_templates(session: AsyncSession, project_id: int) -> Sequence[Template]:
    return (
        await session.scalars(
            select(Template)
            .where(Template.project_id == project_id, Template.deleted_at.is_(None))
            .order_by(Template.id)
        )
    ).all()


async def account_of_project(session: AsyncSession, project_id: int) -> Account | None:
    return await session.scalar(
        select(Account).join(Project, Project.account_id == Account.id).where(Project.id == project_id)
    )


async def add(session: AsyncSession, schedule: Schedule) -> Schedule:
    session.add(schedule)
    await session.flush()
    return schedule
