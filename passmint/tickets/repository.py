"""SQL for tickets."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, Update, bindparam, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.sql import insert_row, table_of
from passmint.models import Ticket
from passmint.tickets.schemas import TicketStatus


async def get(session: AsyncSession, account_id: int, ticket_id: int) -> Ticket | None:
    return await session.scalar(select(Ticket).where(Ticket.account_id == account_id, Ticket.id == ticket_id))


async def add(session: AsyncSession, ticket: Ticket) -> Ticket:
    return await insert_row(session, ticket)


async def advance(session: AsyncSession, ticket_id: int, done: int) -> None:
    """Count ``done`` more items of a ticket, completing it when all are done.

    One statement, so any number of jobs can report on one ticket at once.
    """
    await session.execute(_ADVANCE, {"ticket_id": ticket_id, "more": done})


async def settle_total(session: AsyncSession, ticket_id: int, total: int) -> None:
    """Fix a ticket's total once every item is known, completing it if all are done already."""
    await session.execute(_SETTLE, {"ticket_id": ticket_id, "new_total": total})


def _progress(*, done: ColumnElement[int], total: ColumnElement[int]) -> Update:
    """Set a ticket's counts; it is complete when ``done`` reaches ``total``, running until then (built
    once, in Core, with the ticket and the numbers as parameters, so it is compiled once)."""
    status = case((done >= total, TicketStatus.COMPLETED), else_=TicketStatus.RUNNING)
    return (
        update(_TICKETS)
        .where(_TICKETS.c.id == bindparam("ticket_id"))
        .values(done=done, total=total, status=status)
    )


_TICKETS = table_of(Ticket)
_ADVANCE = _progress(done=_TICKETS.c.done + bindparam("more", type_=Integer), total=_TICKETS.c.total)
_SETTLE = _progress(done=_TICKETS.c.done, total=bindparam("new_total", type_=Integer))
