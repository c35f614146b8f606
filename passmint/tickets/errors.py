"""Errors of the tickets domain."""

from __future__ import annotations

from passmint.errors import NotFound, PassmintError


class TicketsError(PassmintError): ...


class TicketNotFound(TicketsError, NotFound):
    code = "ticket_not_found"
