"""The change clock: every change to what a pass shows gets a number, in commit order.

A transaction that changes passes marks them (``mark_passes``, ``mark_template``). As its last act
before commit it adds one to the single ``change_clock`` row and stamps the marked passes with the new
value. The row stays locked until the commit, so values become visible in the order they were taken:
a reader that sees value N also sees every change numbered below N. A change to a whole template
stamps the template, not each of its passes, so it costs one row however many passes it has; a pass's
number is the later of its own and its template's (``seq_of``). That makes it an exact tag for
Apple's "passes updated since" question: no change is ever missed, whatever the timing.

In the same act the change is handed to ``pushes.planning``, which queues the pushes that tell phones
holding the passes to fetch them again: a change cannot commit without its pushes.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, case, event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from passmint.models import ChangeClock, Pass, Template
from passmint.pushes import planning

_PASSES, _TEMPLATES = "passmint.changed_passes", "passmint.changed_templates"


def mark_passes(session: AsyncSession, pass_ids: Iterable[int], *, ticket_id: int | None = None) -> None:
    """These passes change in this transaction; ``ticket_id`` counts each as done once phones are told."""
    session.info.setdefault(_PASSES, {}).update(dict.fromkeys(pass_ids, ticket_id))


def mark_template(session: AsyncSession, template_id: int) -> None:
    """Every pass of this template changes in this transaction."""
    session.info.setdefault(_TEMPLATES, set()).add(template_id)


async def now(session: AsyncSession) -> int:
    """The clock's committed value: every change numbered up to it is visible."""
    return int((await session.execute(select(ChangeClock.value).where(ChangeClock.id == 1))).scalar_one())


@event.listens_for(Session, "before_commit")
def _stamp(session: Session) -> None:
    passes, templates = session.info.pop(_PASSES, {}), session.info.pop(_TEMPLATES, set())
    if not passes and not templates:
        return
    planning.after_change(session, passes=passes, templates=templates)
    tick = update(ChangeClock).where(ChangeClock.id == 1).values(value=ChangeClock.value + 1)
    value = session.execute(tick.returning(ChangeClock.value)).scalar_one()
    for model, ids in ((Pass, passes), (Template, templates)):
        if ids:  # updated_at as it is: the change itself set it
            stamp = (
                update(model).where(model.id.in_(ids)).values(change_seq=value, updated_at=model.updated_at)
            )
            session.execute(stamp, execution_options={"synchronize_session": False})


def seq_of() -> ColumnElement[int]:
    """A pass's change number in SQL (passes joined with their templates): its own, or its template's
    when that changed later."""
    return case((Pass.change_seq > Template.change_seq, Pass.change_seq), else_=Template.change_seq)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PASSES, None)
    session.info.pop(_TEMPLATES, None)
