"""``/v1/ticket`` through the real app and database."""

from __future__ import annotations

from passmint.db import Database
from passmint.tickets import service as ticket_service
from tests.conftest import ApiClient, ApiFactory


async def open_ticket(api: ApiClient, database: Database, total: int) -> int:
    async with database.transaction() as session:
        ticket = await ticket_service.open_ticket(session, api.account, "test.operation", total=total)
    return ticket.id


class TestGetTicket:
    async def test_pending_ticket(self, api: ApiClient, database: Database) -> None:
        ticket_id = await open_ticket(api, database, total=3)
        response = await api.get(f"/v1/ticket/{ticket_id}")
        assert response.status_code == 200
        body = response.json()
        assert body["ID"] == ticket_id
        assert body["Status"] == body["status"] == "PENDING"
        assert body["operation"] == "test.operation"
        assert (body["total"], body["done"], body["failed"]) == (3, 0, 0)
        assert body["children"] == {}
        assert body["createdAt"].endswith("Z")

    async def test_unknown_ticket_is_404(self, api: ApiClient) -> None:
        response = await api.get("/v1/ticket/424242")
        assert response.status_code == 404
        assert response.json()["error_code"] == "ticket_not_found"

    async def test_another_accounts_ticket_is_404(self, new_api: ApiFactory, database: Database) -> None:
        owner, stranger = await new_api(), await new_api()
        ticket_id = await open_ticket(owner, database, total=1)
        assert (await stranger.get(f"/v1/ticket/{ticket_id}")).status_code == 404
        assert (await owner.get(f"/v1/ticket/{ticket_id}")).status_code == 200
