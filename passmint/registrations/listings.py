"""SQL for registrations listed and filtered (the /v2 registrations API): a project's or a pass's, by
creation date, active or all, one page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.models import Pass, Registration, Template


def _listing(
    statement: Select[Registration], start: date | None, end: date | None, show_ended: bool
) -> Select[Registration]:
    if start is not None:
        statement = statement.where(Registration.created_at >= datetime.combine(start, time(), UTC))
    if end is not None:
        statement = statement.where(
            Registration.created_at < datetime.combine(end + timedelta(days=1), time(), UTC)
        )
    if not show_ended:
        statement = statement.where(Registration.ended_at.is_(None))
    return statement


async def page(
    session: AsyncSession,
    *,
    project_id: int,
    pass_id: int | None,
    start: date | None,
    end: date | None,
    show_ended: bool,
    offset: int,
    limit: int,
) -> tuple[Sequence[Registration], int]:
    """A project's (or one of its passes') registrations in creation order, and how many match."""
    statement = (
        select(Registration)
        .join(Pass, Pass.id == Registration.pass_id)
        .join(Template, Template.id == Pass.template_id)
        .where(Template.project_id == project_id)
    )
    if pass_id is not None:
        statement = statement.where(Registration.pass_id == pass_id)
    statement = _listing(statement, start, end, show_ended)
    total = await session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = await session.scalars(
        statement.order_by(Registration.created_at, Registration.id).offset(offset).limit(limit)
    )
    return rows.all(), total
