"""SQL for tickets."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.models import Ticket


async def get(session: AsyncSession, account_id: int, ticket_id: int) -> Ticket | None:
    return await session.scalar(select(Ticket).where(Ticket.account_id == account_id, Ticket.id == ticket_id))


async def add(session: AsyncSession, ticket: Ticket) -> Ticket:
    session.add(ticket)
    await session.flush()
    return ticket
