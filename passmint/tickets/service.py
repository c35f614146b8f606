"""Tickets: opened by operations that run in the background, read by clients polling them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.models import Account, Ticket
from passmint.tickets import repository
from passmint.tickets.errors import TicketNotFound
from passmint.tickets.schemas import TicketStatus


async def open_ticket(session: AsyncSession, account: Account, operation: str, *, total: int = 0) -> Ticket:
    """A pending ticket for ``operation`` over ``total`` items, in the caller's transaction."""
    ticket = Ticket(account_id=account.id, operation=operation, status=TicketStatus.PENDING, total=total)
    return await repository.add(session, ticket)


async def get(session: AsyncSession, account: Account, ticket_id: int) -> Ticket:
    """The account's ticket ``ticket_id``."""
    ticket = await repository.get(session, account.id, ticket_id)
    if ticket is None:
        raise TicketNotFound(f"Ticket {ticket_id} was not found")
    return ticket


async def by_id(session: AsyncSession, ticket_id: int) -> Ticket:
    """A ticket by id, for the jobs that report on it."""
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None:
        raise TicketNotFound(f"Ticket {ticket_id} was not found")
    return ticket


async def complete(session: AsyncSession, ticket: Ticket, *, done: int, failed: int = 0) -> Ticket:
    """Mark a ticket finished with these counts."""
    ticket.done, ticket.failed = done, failed
    ticket.status = TicketStatus.COMPLETED if failed == 0 else TicketStatus.FAILED
    await session.flush()
    return ticket


async def advance(session: AsyncSession, ticket_id: int, done: int) -> None:
    """Count ``done`` more items of the ticket; it completes when all are done (safe from parallel jobs)."""
    await repository.advance(session, ticket_id, done)


async def settle_total(session: AsyncSession, ticket_id: int, total: int) -> None:
    """The ticket's final total, once the operation knows it; completes it if all are done already."""
    await repository.settle_total(session, ticket_id, total)
