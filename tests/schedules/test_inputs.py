"""Schedule times UTC cannot hold: a 400 naming the field, never a 500."""

from __future__ import annotations

import httpx
import pytest

from passmint.db import Database
from tests.schedules.conftest import NOTIFY_EXAMPLE, body, counts, update_of


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_a_time_out_of_range_in_utc_is_400(
    api: httpx.AsyncClient, project_id: int, database: Database, at: str
) -> None:
    response = await api.post(f"/v1/schedules/{project_id}", json=body(NOTIFY_EXAMPLE, at=at))
    assert response.status_code == 400, response.text
    assert response.json()["details"][0]["field"] == "schedule.scheduled_time"
    assert "out of range" in response.json()["error"]
    assert await counts(database) == (0, 0, 0)


async def test_a_template_id_beyond_any_is_400(
    api: httpx.AsyncClient, project_id: int, database: Database
) -> None:
    sent = update_of({"Coupon": {"value": "x"}}, template=2**63)
    response = await api.post(f"/v1/schedules/{project_id}", json=sent)
    assert response.status_code == 400, response.text
    assert response.json()["details"][0]["field"] == "update.template"
    assert await counts(database) == (0, 0, 0)
