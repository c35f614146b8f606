"""Routes of ``/v1/ticket``: wiring only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from passmint.deps import AccountDep, SessionDep
from passmint.kit.ids import Id
from passmint.models import Ticket
from passmint.tickets import service as ticket_service
from passmint.tickets.schemas import TicketRead

router = APIRouter(prefix="/ticket", tags=["Tickets"])


@router.get("/{ticketId}", response_model=TicketRead, summary="Get ticket status")
async def get_ticket(
    ticket_id: Annotated[Id, Path(alias="ticketId")], account: AccountDep, session: SessionDep
) -> Ticket:
    return await ticket_service.get(session, account, ticket_id)
