"""SQL for tickets."""

from __future__ import annotations

from sqlalchemy import Update, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.models import Ticket
from passmint.tickets.schemas import TicketStatus


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
    reached = Ticket.done + done >= Ticket.total
    return (
        update(Ticket)
        .where(Ticket.id == ticket_id)
        .values(
            done=Ticket.done + done,
            status=case((reached, TicketStatus.COMPLETED), else_=TicketStatus.RUNNING),
        )
        .execution_options(synchronize_session=False)
    )


def settle_total(ticket_id: int, total: int) -> Update:
    """Fix a ticket's total once every item is known, completing it if all are done already."""
    return (
        update(Ticket)
        .where(Ticket.id == ticket_id)
        .values(
            total=total,
            status=case((Ticket.done >= total, TicketStatus.COMPLETED), else_=TicketStatus.RUNNING),
        )
        .execution_options(synchronize_session=False)
    )
