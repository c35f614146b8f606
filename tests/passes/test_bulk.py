"""``PUT /v1/template/{id}/passes``: every pass of a template changed by jobs, in batches, with a ticket."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, text

from passmint.db import Database
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.kit.time import utcnow
from passmint.models import Job, Pass
from passmint.passes import tasks
from tests.conftest import ApiFactory
from tests.factories import create_pass, create_project, create_template
from tests.passes.conftest import Verify, pass_json

CHANGE = {"fields": {"Coupon": {"value": "40%"}, "barcode_value": {"value": "NEW-1"}}}


async def ticket(api: httpx.AsyncClient, ticket_id: int) -> dict[str, object]:
    return (await api.get(f"/v1/ticket/{ticket_id}")).json()  # type: ignore[no-any-return]


class TestBulkUpdate:
    async def test_every_pass_changes_and_the_ticket_says_so(
        self,
        api: httpx.AsyncClient,
        template_id: int,
        database: Database,
        verify: Verify,
        job_context: JobContext,
    ) -> None:
        passes = [await create_pass(api, template_id) for _ in range(3)]
        response = await api.put(f"/v1/template/{template_id}/passes", json=CHANGE)
        assert response.status_code == 200, response.text
        ticket_id = response.json()["ticketId"]
        before = await ticket(api, ticket_id)
        assert (before["status"], before["total"], before["done"]) == ("PENDING", 3, 0)
        await Worker(database, job_context).run_until_idle()
        after = await ticket(api, ticket_id)
        assert (after["status"], after["done"]) == ("COMPLETED", 3)
        for created in passes:
            fetched = (await api.get(f"/v1/pass/{created['id']}")).json()
            assert fetched["fields"]["Coupon"]["value"] == "40%"
            assert fetched["updatedAt"] > created["updatedAt"]
        document = pass_json(verify((await api.get(f"/v1/pass/{passes[0]['id']}/download")).content))
        assert document["barcodes"][0]["message"] == "NEW-1"
        assert document["storeCard"]["primaryFields"][0]["value"] == "40%"

    async def test_status_filter_limits_the_update(
        self, api: httpx.AsyncClient, template_id: int, database: Database, job_context: JobContext
    ) -> None:
        installed, other = await create_pass(api, template_id), await create_pass(api, template_id)
        async with database.transaction() as session:
            await session.execute(text("UPDATE passes SET installed_at = :now WHERE id = :id"),
                                  {"now": utcnow(), "id": installed["id"]})  # fmt: skip
        response = await api.put(
            f"/v1/template/{template_id}/passes", params={"status": "installed"}, json=CHANGE
        )
        assert (await ticket(api, response.json()["ticketId"]))["total"] == 1
        await Worker(database, job_context).run_until_idle()
        assert (await api.get(f"/v1/pass/{installed['id']}")).json()["fields"]["Coupon"]["value"] == "40%"
        assert (await api.get(f"/v1/pass/{other['id']}")).json()["fields"]["Coupon"]["value"] == "20%"

    async def test_bad_change_is_400_and_queues_nothing(
        self, api: httpx.AsyncClient, template_id: int, database: Database
    ) -> None:
        await create_pass(api, template_id)
        response = await api.put(
            f"/v1/template/{template_id}/passes", json={"fields": {"Nope": {"value": "1"}}}
        )
        assert response.status_code == 400 and response.json()["details"][0]["field"] == "fields.Nope"
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(Job)) == 0

    async def test_another_accounts_template_is_404(self, new_api: ApiFactory) -> None:
        owner, stranger = await new_api(), await new_api()
        template_id = await create_template(owner, (await create_project(owner))["id"])
        assert (await stranger.put(f"/v1/template/{template_id}/passes", json=CHANGE)).status_code == 404

    async def test_batches_resume_after_a_crash_without_skipping_anyone(
        self,
        api: httpx.AsyncClient,
        template_id: int,
        database: Database,
        monkeypatch: pytest.MonkeyPatch,
        job_context: JobContext,
    ) -> None:
        monkeypatch.setattr(tasks, "BATCH", 2)
        ids = [(await create_pass(api, template_id))["id"] for _ in range(5)]
        ticket_id = (await api.put(f"/v1/template/{template_id}/passes", json=CHANGE)).json()["ticketId"]
        first = Worker(database, job_context, concurrency=1)
        assert await first.run_batch() == 1  # the first batch of 2
        progress = await ticket(api, ticket_id)
        assert (progress["status"], progress["done"]) == ("RUNNING", 2)
        assert await first.claim(1)  # the second batch is claimed; then this worker dies
        async with database.transaction() as session:
            await session.execute(text("UPDATE jobs SET locked_until = :past WHERE status = 'running'"),
                                  {"past": utcnow() - timedelta(seconds=1)})  # fmt: skip
        await Worker(database, job_context).run_until_idle()
        done = await ticket(api, ticket_id)
        assert (done["status"], done["done"], done["total"]) == ("COMPLETED", 5, 5)
        async with database.transaction() as session:
            rows = (await session.scalars(select(Pass).where(Pass.id.in_(ids)))).all()
        assert all(row.values["fields"]["Coupon"]["value"] == "40%" for row in rows)
