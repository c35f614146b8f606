"""SQL of statistics: counters read by template and day, and passes counted by external id or tag."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.ids import parse_id
from passmint.models import DailyCount, Pass, PassTag, Tag, Template, TemplateCount

_INSTALLED = case((Pass.installed_at.is_not(None) & Pass.uninstalled_at.is_(None), 1), else_=0)
_UNINSTALLED = case((Pass.uninstalled_at.is_not(None), 1), else_=0)


class TemplateMeta(NamedTuple):
    """What statistics print of a template (its design is left unread: it can be large)."""

    id: int
    vendor: str
    created_at: datetime


async def project_templates(session: AsyncSession, project_id: int) -> list[TemplateMeta]:
    """The project's templates (not deleted), oldest first."""
    statement = (
        select(Template.id, Template.vendor, Template.created_at)
        .where(Template.project_id == project_id, Template.deleted_at.is_(None))
        .order_by(Template.id)
    )
    return [TemplateMeta(*row) for row in await session.execute(statement)]


async def template_counts(session: AsyncSession, template_ids: Sequence[int]) -> dict[int, TemplateCount]:
    statement = select(TemplateCount).where(TemplateCount.template_id.in_(template_ids))
    return {row.template_id: row for row in await session.scalars(statement)}


async def days(
    session: AsyncSession, template_ids: Sequence[int], start: date, end: date
) -> dict[date, tuple[int, int, int]]:
    """Created, installed and uninstalled per day in [start, end] over these templates (days with none
    left out)."""
    statement = (
        select(
            DailyCount.day,
            func.sum(DailyCount.created),
            func.sum(DailyCount.installed),
            func.sum(DailyCount.uninstalled),
        )
        .where(DailyCount.template_id.in_(template_ids), DailyCount.day >= start, DailyCount.day <= end)
        .group_by(DailyCount.day)
    )
    rows = await session.execute(statement)
    return {day: (int(c or 0), int(i or 0), int(u or 0)) for day, c, i, u in rows}


async def by_external_id(
    session: AsyncSession, account_id: int, external_id: str
) -> list[tuple[int, int, int, int]]:
    """(template id, passes, installed, uninstalled) of the account's passes with this external id."""
    statement = (
        select(Pass.template_id, func.count(), func.sum(_INSTALLED), func.sum(_UNINSTALLED))
        .where(Pass.account_id == account_id, Pass.external_id == external_id)
        .group_by(Pass.template_id)
        .order_by(Pass.template_id)
    )
    rows = await session.execute(statement)
    return [(t, n, int(i or 0), int(u or 0)) for t, n, i, u in rows]


async def by_pass_id(session: AsyncSession, account_id: int, pass_id: int) -> list[tuple[int, int, int, int]]:
    statement = select(Pass.template_id, _INSTALLED, _UNINSTALLED).where(
        Pass.account_id == account_id, Pass.id == pass_id
    )
    return [(t, 1, i, u) for t, i, u in await session.execute(statement)]


async def tag(session: AsyncSession, account_id: int, name_or_id: str) -> Tag | None:
    """The account's tag of this name, else of this id (a name wins: a tag may be called ``123``)."""
    found = await session.scalar(select(Tag).where(Tag.account_id == account_id, Tag.name == name_or_id))
    number = parse_id(name_or_id)
    if found is None and number is not None:
        found = await session.scalar(select(Tag).where(Tag.account_id == account_id, Tag.id == number))
    return found


async def tag_counts(session: AsyncSession, tag_id: int) -> tuple[int, int, int]:
    """(passes, installed, uninstalled) of the passes carrying the tag."""
    statement = (
        select(func.count(), func.sum(_INSTALLED), func.sum(_UNINSTALLED))
        .select_from(PassTag)
        .join(Pass, Pass.id == PassTag.pass_id)
        .where(PassTag.tag_id == tag_id)
    )
    total, installed, uninstalled = (await session.execute(statement)).one()
    return int(total or 0), int(installed or 0), int(uninstalled or 0)
