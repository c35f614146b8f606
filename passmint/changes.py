"""The change clock: every change to what a pass shows gets a number, in commit order.

A transaction that changes passes marks them (``mark_passes``, ``mark_template``). As its last act
before commit it adds one to the single ``change_clock`` row and stamps the marked passes with the new
value. The row stays locked until the commit, so values become visible in the order they were taken:
a reader that sees value N also sees every change numbered below N. A change to a whole template
stamps the template, not each of its passes, so it costs one row however many passes it has; a pass's
number is the later of its own and its template's (``seq_of``). That makes it an exact tag for
Apple's "passes updated since" question: no change is ever missed, whatever the timing.

The stamping runs as a hook of the transaction (``Publisher``, which ``passmint.app`` gives every
``Database``): first it hands the change to its subscribers (``pushes.planning`` queues the pushes
that tell phones holding the passes to fetch them again), then it stamps, all in the change's own
transaction, just before it commits: a change cannot commit without its effects. Marking a change in
a session whose transaction has no ``Publisher`` raises, so no change is ever marked and then lost.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Table, Update, bindparam, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.db import BEFORE_COMMIT
from passmint.kit.sql import table_of
from passmint.models import ChangeClock, Pass, Template

_PASSES, _TEMPLATES = "passmint.changed_passes", "passmint.changed_templates"
_CREATED, _VENDORS = "passmint.created_passes", "passmint.changed_vendors"
_NUMBERED = "passmint.numbered_passes"


@dataclass(frozen=True)
class Change:
    """What one transaction changed: passes (each with the ticket counting it, if any) and whole
    templates (all of their passes); ``created``: those of the passes made in this transaction (no
    phone can hold them yet)."""

    passes: dict[int, int | None]
    templates: frozenset[int]
    created: frozenset[int] = frozenset()
    vendors: Mapping[int, str] = field(default_factory=dict)
    """The vendor of those of the passes whose marker knew it (a planner need not look up the others')."""
    numbered: frozenset[int] = frozenset()
    """Those of the passes whose write took the change's number already (``numbered_in_write``)."""

    @property
    def to_deliver(self) -> dict[int, int | None]:
        """The changed passes a wallet may already hold (so a subscriber has something to tell): all but
        those made in this transaction, unless a ticket counts them."""
        return {
            pass_id: ticket_id
            for pass_id, ticket_id in self.passes.items()
            if pass_id not in self.created or ticket_id is not None
        }


Subscriber = Callable[[AsyncSession, Change], Awaitable[None]]
"""Awaited with a transaction's change before it commits, in that transaction."""


class Publisher:
    """The transaction hook that hands a change to ``subscribers`` in order, then stamps it."""

    def __init__(self, *subscribers: Subscriber) -> None:
        self.subscribers = subscribers

    async def __call__(self, session: AsyncSession) -> None:
        passes, templates = session.info.pop(_PASSES, {}), session.info.pop(_TEMPLATES, set())
        created = frozenset(session.info.pop(_CREATED, ()))
        vendors = session.info.pop(_VENDORS, {})
        numbered = frozenset(session.info.pop(_NUMBERED, ()))
        if not passes and not templates:
            return
        change = Change(passes, frozenset(templates), created, vendors, numbered)
        for subscriber in self.subscribers:
            await subscriber(session, change)
        await _stamp(session, change)


def mark_passes(
    session: AsyncSession,
    pass_ids: Iterable[int],
    *,
    ticket_id: int | None = None,
    vendor: str | None = None,
) -> None:
    """These passes change in this transaction; ``ticket_id`` counts each as done once phones are told;
    ``vendor``: their templates' vendor, when the caller knows it."""
    pass_ids = list(pass_ids)
    marked: dict[int, int | None] = _published(session).setdefault(_PASSES, {})
    marked.update(dict.fromkeys(pass_ids, ticket_id))
    if vendor is not None:
        session.info.setdefault(_VENDORS, {}).update(dict.fromkeys(pass_ids, vendor))


def mark_created(session: AsyncSession, pass_id: int) -> None:
    """This pass is made in this transaction (``mark_passes`` too): no phone holds it, so its
    subscribers need not look for any."""
    mark_passes(session, [pass_id])
    created: set[int] = session.info.setdefault(_CREATED, set())
    created.add(pass_id)


def mark_template(session: AsyncSession, template_id: int) -> None:
    """Every pass of this template changes in this transaction."""
    marked: set[int] = _published(session).setdefault(_TEMPLATES, set())
    marked.add(template_id)


def _published(session: AsyncSession) -> dict[Any, Any]:
    """The session's ``info``, once it is known that its transaction publishes changes."""
    if not any(isinstance(hook, Publisher) for hook in session.info.get(BEFORE_COMMIT, ())):
        raise RuntimeError("this transaction publishes no changes: open the database with app.open_database")
    return session.info


async def now(session: AsyncSession) -> int:
    """The clock's committed value: every change numbered up to it is visible."""
    return int((await session.execute(select(ChangeClock.value).where(ChangeClock.id == 1))).scalar_one())


_CLOCK = table_of(ChangeClock)
_TICK = update(_CLOCK).where(_CLOCK.c.id == 1).values(value=_CLOCK.c.value + 1)
_NOW = select(_CLOCK.c.value).where(_CLOCK.c.id == 1).scalar_subquery()
_NEXT = select(_CLOCK.c.value + 1).where(_CLOCK.c.id == 1).scalar_subquery()
_TABLES = {"passes": table_of(Pass), "templates": table_of(Template)}


def _stamp_of(table: Table, value: ColumnElement[int]) -> Update:
    """Stamp the rows ``ids`` of a table with ``value``; updated_at as it is (the change itself set it)."""
    return (
        update(table)
        .where(table.c.id.in_(bindparam("ids", expanding=True)))
        .values(change_seq=value, updated_at=table.c.updated_at)
    )


def _ticked_stamp(table: Table) -> Update:
    """PostgreSQL: the tick and the stamp in one statement (the tick a data-modifying ``WITH``, which
    runs once, whatever rows the stamp matches)."""
    tick = _TICK.returning(_CLOCK.c.value).cte("tick")
    return _stamp_of(table, select(tick.c.value).scalar_subquery()).add_cte(tick)


_STAMPS = {key: _stamp_of(table, _NOW) for key, table in _TABLES.items()}
_TICKED_STAMPS = {key: _ticked_stamp(table) for key, table in _TABLES.items()}
"""The tick and the stamps, built once, in Core: SQLAlchemy reuses their compiled form (an ORM update
built per call costs a cache key and the ORM's bulk-update machinery on every change). A stamp after
the tick takes the clock's value in SQL: the transaction sees its own tick."""


def numbered_in_write(session: AsyncSession) -> tuple[tuple[str, ColumnElement[int]], ...]:
    """What a pass's insert or update sets so that it needs no stamp (its writer says so with
    ``mark_numbered``): on SQLite its change number, the clock's next value, which is this transaction's
    tick (it holds the database's write lock from its first write to its commit, so no other tick comes
    between); nothing on PostgreSQL, where another transaction may tick first (there the tick and the
    stamp are one statement instead)."""
    return (("change_seq", _NEXT),) if _dialect(session) == "sqlite" else ()


def mark_numbered(session: AsyncSession, pass_id: int) -> None:
    """This pass was written with what ``numbered_in_write`` gave (the stamp leaves it out)."""
    if _dialect(session) == "sqlite":
        numbered: set[int] = session.info.setdefault(_NUMBERED, set())
        numbered.add(pass_id)


async def _stamp(session: AsyncSession, change: Change) -> None:
    """Take the clock's next value (its row stays locked until the commit) and stamp the change with it:
    the passes written with their number already (``numbered_in_write``) are left out."""
    on_sqlite = _dialect(session) == "sqlite"
    passes = [pass_id for pass_id in change.passes if pass_id not in change.numbered]
    stamps = [(key, ids) for key, ids in (("passes", passes), ("templates", list(change.templates))) if ids]
    if on_sqlite or not stamps:
        await session.execute(_TICK)
    else:
        key, ids = stamps.pop(0)
        await session.execute(_TICKED_STAMPS[key], {"ids": ids})
    for key, ids in stamps:
        await session.execute(_STAMPS[key], {"ids": ids})


def _dialect(session: AsyncSession) -> str:
    assert session.bind is not None
    return session.bind.dialect.name


def seq_of() -> ColumnElement[int]:
    """A pass's change number in SQL (passes joined with their templates): its own, or its template's
    when that changed later."""
    return case((Pass.change_seq > Template.change_seq, Pass.change_seq), else_=Template.change_seq)
