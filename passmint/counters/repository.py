"""SQL of the counters: add to a day's events and a template's states, and recount them from passes
and registrations (what ``passmint stats rebuild`` writes, and what a deleted pass takes away)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Executable, bindparam, case, delete, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.sql import insert_for, table_of
from passmint.models import DailyCount, Pass, Registration, Template, TemplateCount

EVENTS = ("created", "installed", "uninstalled")
STATES = ("total", "installed", "uninstalled")
DayKey = tuple[int, date, str]  # template id, UTC day, platform


@dataclass
class Tally:
    """Counters in memory: events per (template, day, platform), states per template."""

    days: dict[DayKey, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    states: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))


def state_of(pass_: Pass) -> str | None:
    """``installed``, ``uninstalled`` or None (never installed): what the states count."""
    if pass_.uninstalled_at is not None:
        return "uninstalled"
    return "installed" if pass_.installed_at is not None else None


async def add_event(session: AsyncSession, template_id: int, at: datetime, platform: str, event: str) -> None:
    """One more ``event`` (created, installed, uninstalled) for the template on ``at``'s UTC day."""
    await add_days(session, {(template_id, at.date(), platform): [int(event == name) for name in EVENTS]})


async def add_created(session: AsyncSession, template_id: int, at: datetime, platform: str) -> None:
    """One more pass made for the template on ``at``: its day's ``created`` event and the template's
    ``total`` (``add_event`` and ``move_state``; on PostgreSQL both upserts in one statement)."""
    assert session.bind is not None
    if session.bind.dialect.name == "postgresql":
        values = {"template_id": template_id, "day": at.date(), "platform": platform, "at": at}
        await session.execute(_created_upserts(), values)
        return
    await add_event(session, template_id, at, platform, "created")
    await move_state(session, template_id, None, None, at, new=1)


@cache
def _created_upserts() -> Executable:
    """PostgreSQL: the day's upsert as a data-modifying ``WITH`` of the template's (each runs once, to
    completion), built once."""
    days, states = table_of(DailyCount), table_of(TemplateCount)
    day = postgresql.insert(days).values(
        template_id=bindparam("template_id"), day=bindparam("day"), platform=bindparam("platform"),
        created=1, installed=0, uninstalled=0,
    )  # fmt: skip
    day = day.on_conflict_do_update(
        index_elements=["template_id", "day", "platform"], set_={"created": days.c.created + 1}
    )
    state = postgresql.insert(states).values(
        template_id=bindparam("template_id"), total=1, installed=0, uninstalled=0, updated_at=bindparam("at")
    )
    return state.on_conflict_do_update(
        index_elements=["template_id"],
        set_={"total": states.c.total + 1, "updated_at": state.excluded.updated_at},
    ).add_cte(day.cte("created_day"))


async def move_state(
    session: AsyncSession,
    template_id: int,
    before: str | None,
    after: str | None,
    now: datetime,
    *,
    new: int = 0,
) -> None:
    """A pass of the template went from state ``before`` to ``after`` (``new``: +1 made, -1 deleted)."""
    deltas = [new, 0, 0]
    for state, sign in ((before, -1), (after, 1)):
        if state is not None:
            deltas[STATES.index(state)] += sign
    await add_states(session, {template_id: deltas}, now)


async def add_days(session: AsyncSession, days: dict[DayKey, list[int]]) -> None:
    """Add to the days' event counts (rows in key order, see ``add_states``)."""
    rows = [
        {"template_id": t, "day": d, "platform": p, **dict(zip(EVENTS, counts, strict=True))}
        for (t, d, p), counts in sorted(days.items())
    ]
    if rows:
        await session.execute(_upsert(session, DailyCount, ("template_id", "day", "platform")), rows)


async def add_states(session: AsyncSession, states: dict[int, list[int]], now: datetime) -> None:
    """Add to the templates' state counts. Rows are written in key order, as every writer of the
    counters writes them: on PostgreSQL two transactions counting for the same templates then lock their
    rows in the same order and cannot deadlock (days before states: ``add_created``, ``subtract``)."""
    rows = [
        {"template_id": t, "updated_at": now, **dict(zip(STATES, counts, strict=True))}
        for t, counts in sorted(states.items())
    ]
    if rows:
        await session.execute(_upsert(session, TemplateCount, ("template_id",)), rows)


_UPSERTS: dict[tuple[str, str], Executable] = {}


def _upsert(
    session: AsyncSession, model: type[DailyCount | TemplateCount], keys: tuple[str, ...]
) -> Executable:
    """``model``'s upsert that adds the counts of each parameter row to those stored (and sets
    ``updated_at``), built once per dialect and run with the rows as parameters: a statement built per
    call with ``.values(rows)`` missed SQLAlchemy's compiled cache and was compiled on every write."""
    assert session.bind is not None
    key = (session.bind.dialect.name, model.__tablename__)
    found = _UPSERTS.get(key)
    if found is None:
        table = table_of(model)
        insert = insert_for(session, table)
        counted = [column for column in table.columns if column.name not in keys]
        set_ = {
            column.name: insert.excluded[column.name]
            if column.name == "updated_at"
            else column + insert.excluded[column.name]
            for column in counted
        }
        found = _UPSERTS[key] = insert.on_conflict_do_update(index_elements=list(keys), set_=set_)
    return found


def utc_day(session: AsyncSession, column: Any) -> ColumnElement[date]:
    """The UTC calendar day of a stored time, in SQL (SQLite keeps UTC without a zone)."""
    assert session.bind is not None
    if session.bind.dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


async def recount(
    session: AsyncSession, platform_of: Callable[[str], str], pass_ids: Sequence[int] | None = None
) -> Tally:
    """The counters as passes and registrations say they should be: of these passes only, or of all."""
    tally = Tally()

    def only(statement: Any) -> Any:  # a Select of any columns
        return statement if pass_ids is None else statement.where(Pass.id.in_(pass_ids))

    created_day = utc_day(session, Pass.created_at)
    created = only(
        select(Pass.template_id, Template.vendor, created_day, func.count())
        .join(Template, Template.id == Pass.template_id)
        .group_by(Pass.template_id, Template.vendor, created_day)
    )
    for template_id, vendor, day, count in await session.execute(created):
        tally.days[(template_id, _day(day), platform_of(vendor))][0] += count
    for index, column in ((1, Registration.created_at), (2, Registration.ended_at)):
        when = utc_day(session, column)
        events = only(
            select(Pass.template_id, when, Registration.device_os, func.count())
            .join(Pass, Pass.id == Registration.pass_id)
            .where(column.is_not(None))
            .group_by(Pass.template_id, when, Registration.device_os)
        )
        for template_id, day, platform, count in await session.execute(events):
            tally.days[(template_id, _day(day), platform)][index] += count
    installed = case((Pass.installed_at.is_not(None) & Pass.uninstalled_at.is_(None), 1), else_=0)
    uninstalled = case((Pass.uninstalled_at.is_not(None), 1), else_=0)
    states = only(
        select(Pass.template_id, func.count(), func.sum(installed), func.sum(uninstalled)).group_by(
            Pass.template_id
        )
    )
    for template_id, total, now_installed, now_uninstalled in await session.execute(states):
        tally.states[template_id] = [total, int(now_installed or 0), int(now_uninstalled or 0)]
    return tally


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def replace_all(session: AsyncSession, tally: Tally, now: datetime) -> None:
    """Every counter replaced by the tally's (``stats rebuild``)."""
    await session.execute(delete(DailyCount))
    await session.execute(delete(TemplateCount))
    await add_days(session, dict(tally.days))
    await add_states(session, dict(tally.states), now)


async def subtract(session: AsyncSession, tally: Tally, now: datetime) -> None:
    """Take a tally away from the counters (the passes it counted are being deleted)."""
    await add_days(session, {key: [-n for n in counts] for key, counts in tally.days.items()})
    await add_states(session, {key: [-n for n in counts] for key, counts in tally.states.items()}, now)


async def read_all(session: AsyncSession) -> Tally:
    """The counters as stored, zero rows left out (to compare with a recount)."""
    tally = Tally()
    for row in await session.scalars(select(DailyCount)):
        counts = [row.created, row.installed, row.uninstalled]
        if any(counts):
            tally.days[(row.template_id, row.day, row.platform)] = counts
    for state in await session.scalars(select(TemplateCount)):
        counts = [state.total, state.installed, state.uninstalled]
        if any(counts):
            tally.states[state.template_id] = counts
    return tally
