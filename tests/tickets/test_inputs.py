"""``/v1/ticket/{ticketId}`` with an id no ticket can have."""

from __future__ import annotations

import httpx
import pytest

from passmint.kit.ids import MAX_ID


@pytest.mark.parametrize("ticket_id", [MAX_ID + 1, 2**64, 0])
async def test_is_400_naming_it(api: httpx.AsyncClient, ticket_id: int) -> None:
    response = await api.get(f"/v1/ticket/{ticket_id}")
    assert response.status_code == 400, response.text
    assert response.json()["details"][0]["field"] == "ticketId"
