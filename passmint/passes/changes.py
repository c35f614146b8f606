"""The change clock: every change to what a pass shows gets a number, in commit order.

A transaction that changes passes marks them (``mark_passes``, ``mark_template``). As its last act
before commit it adds one to the single ``change_clock`` row and stamps the marked passes with the new
value. The row stays locked until the commit, so values become visible in the order they were taken:
a reader that sees value N also sees every change numbered below N. That makes ``change_seq`` an exact
tag for Apple's "passes updated since" question: no change is ever missed, whatever the timing.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from passmint.models import ChangeClock, Pass

_PASSES, _TEMPLATES = "passmint.changed_passes", "passmint.changed_templates"


def mark_passes(session: AsyncSession, pass_ids: Iterable[int]) -> None:
    """These passes change in this transaction."""
    session.info.setdefault(_PASSES, set()).update(pass_ids)


def mark_template(session: AsyncSession, template_id: int) -> None:
    """Every pass of this template changes in this transaction."""
    session.info.setdefault(_TEMPLATES, set()).add(template_id)


async def now(session: AsyncSession) -> int:
    """The clock's committed value: every change numbered up to it is visible."""
    return int((await session.execute(select(ChangeClock.value).where(ChangeClock.id == 1))).scalar_one())


@event.listens_for(Session, "before_commit")
def _stamp(session: Session) -> None:
    passes, templates = session.info.pop(_PASSES, set()), session.info.pop(_TEMPLATES, set())
    if not passes and not templates:
        return
    tick = update(ChangeClock).where(ChangeClock.id == 1).values(value=ChangeClock.value + 1)
    value = session.execute(tick.returning(ChangeClock.value)).scalar_one()
    changed = [Pass.id.in_(passes)] if passes else []
    changed += [Pass.template_id.in_(templates)] if templates else []  # each part can use its index
    stamp = (
        update(Pass)
        .where(or_(*changed))
        .values(change_seq=value, updated_at=Pass.updated_at)  # the change itself set updated_at
    )
    session.execute(stamp, execution_options={"synchronize_session": False})


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PASSES, None)
    session.info.pop(_TEMPLATES, None)
