"""SQL of the Google sync: rate slots, the passes Google knows, their notifications and messages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, bindparam, case, delete, exists, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.designs import Vendor
from passmint.kit.sql import insert_for
from passmint.models import GoogleMessage, GoogleObject, GoogleRate, Pass, Registration, Template, Ticket
from passmint.registrations.wallet_apps import GOOGLE_WALLET


async def claim_slot(session: AsyncSession, credential: str, now: float, step: float, burst: float) -> bool:
    """Move the credential's theoretical arrival time (TAT) on by ``step`` seconds (from ``now`` if it
    lies in the past) if the new one is at most ``burst`` seconds ahead of ``now``: one atomic statement,
    whatever the number of workers. Whether it moved (the call may go out now)."""
    later = case((GoogleRate.next_at > literal(now), GoogleRate.next_at), else_=literal(now)) + step
    statement = (
        insert_for(session, GoogleRate)
        .values(credential=credential, next_at=now + step)
        .on_conflict_do_update(
            index_elements=["credential"], set_={"next_at": later}, where=later - burst <= literal(now)
        )
        .returning(GoogleRate.next_at)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def arrival(session: AsyncSession, credential: str) -> float | None:
    """The credential's theoretical arrival time, if it has one."""
    return await session.scalar(select(GoogleRate.next_at).where(GoogleRate.credential == credential))


def _known() -> ColumnElement[bool]:
    """Whether Google knows the pass's object: passmint inserted it, or a holder saved it."""
    inserted = exists().where(GoogleObject.pass_id == Pass.id)
    saved = exists().where(Registration.pass_id == Pass.id, Registration.wallet == GOOGLE_WALLET.wallet)
    return or_(inserted, saved)


_GOOGLE_PASSES = (
    select(Pass.id, _known())
    .join(Template, Template.id == Pass.template_id)
    .where(Pass.id.in_(bindparam("ids", expanding=True)), Template.vendor == Vendor.GOOGLE)
)
"""Built once, so SQLAlchemy reuses its compiled form and cache key (every change to a pass runs it)."""


async def google_passes(session: AsyncSession, pass_ids: Sequence[int]) -> dict[int, bool]:
    """Which of these passes are Google passes: each one's id and whether Google knows its object."""
    return {
        pass_id: bool(known) for pass_id, known in await session.execute(_GOOGLE_PASSES, {"ids": pass_ids})
    }


async def is_google_template(session: AsyncSession, template_id: int) -> bool:
    return await session.scalar(select(Template.vendor).where(Template.id == template_id)) == Vendor.GOOGLE


async def known_passes_of_template(
    session: AsyncSession, template_id: int, after_id: int, limit: int
) -> Sequence[int]:
    """The next ``limit`` passes of the template (ids above ``after_id``) whose objects Google knows."""
    statement = (
        select(Pass.id)
        .where(Pass.template_id == template_id, Pass.id > after_id, _known())
        .order_by(Pass.id)
        .limit(limit)
    )
    return (await session.scalars(statement)).all()


async def mark_known(session: AsyncSession, pass_ids: Sequence[int]) -> None:
    """These passes' objects exist at Google (inserted, or saved by a holder)."""
    for pass_id in pass_ids:
        statement = insert_for(session, GoogleObject).values(pass_id=pass_id, notified_at=[])
        await session.execute(statement.on_conflict_do_nothing(index_elements=["pass_id"]))


async def objects(session: AsyncSession, pass_ids: Sequence[int]) -> dict[int, GoogleObject]:
    found = await session.scalars(select(GoogleObject).where(GoogleObject.pass_id.in_(pass_ids)))
    return {row.pass_id: row for row in found}


async def messages(
    session: AsyncSession, pass_ids: Sequence[int], kind: str | None = None
) -> list[GoogleMessage]:
    """The messages of these passes, oldest first (of one ``kind`` if given)."""
    statement = select(GoogleMessage).where(GoogleMessage.pass_id.in_(pass_ids)).order_by(GoogleMessage.id)
    if kind is not None:
        statement = statement.where(GoogleMessage.kind == kind)
    return list((await session.scalars(statement)).all())


async def add_message(session: AsyncSession, message: GoogleMessage) -> GoogleMessage:
    session.add(message)
    await session.flush()
    return message


async def remove_messages(session: AsyncSession, pass_ids: Sequence[int], kind: str) -> None:
    await session.execute(
        delete(GoogleMessage).where(GoogleMessage.pass_id.in_(pass_ids), GoogleMessage.kind == kind)
    )


async def note_ticket(session: AsyncSession, ticket_id: int, note: str) -> None:
    """Say something about how a ticket's operation went (its ``error``), unless it says something already."""
    await session.execute(
        update(Ticket).where(Ticket.id == ticket_id, Ticket.error.is_(None)).values(error=note)
    )
