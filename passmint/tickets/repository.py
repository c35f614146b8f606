"""SQL for tickets."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Update, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from passmint.models import Ticket
from passmint.tickets.schemas import TicketStatus

_Count = ColumnElement[int] | InstrumentedAttribute[int]


async def get(session: AsyncSession, account_id: int, ticket_id: int) -> Ticket | None:
    return await session.scalar(select(Ticket).where(Ticket.account_id == account_id, Ticket.id == ticket_id))


async def add(session: AsyncSession, ticket: Ticket) -> Ticket:
    session.add(ticket)
    await session.flush()
    return ticket


def advance(ticket_id: int, done: int) -> Update:
    """Count ``done`` more items of a ticket, completing it when all are done.

    One statement, so any number of jobs can report on one ticket at once.
    """
    return _progress(ticket_id, done=Ticket.done + done, total=Ticket.total)


def settle_total(ticket_id: int, total: int) -> Update:
    """Fix a ticket's total once every item is known, completing it if all are done already."""
    return _progress(ticket_id, done=Ticket.done, total=total)


def _progress(ticket_id: int, *, done: _Count, total: _Count | int) -> Update:
    """Set a ticket's counts; it is complete when ``done`` reaches ``total``, running until then."""
    status = case((done >= total, TicketStatus.COMPLETED), else_=TicketStatus.RUNNING)
    return (
        update(Ticket)
        .where(Ticket.id == ticket_id)
        .values(done=done, total=total, status=status)
        .execution_options(synchronize_session=False)
    )
