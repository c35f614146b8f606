"""Schedules run at their time, exactly once, through the bulk change of passes."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from passmint.db import Database
from passmint.jobs.queue import enqueue
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.models import Job, Pass, Schedule
from passmint.passes import bulk
from passmint.schedules.service import RUN
from passmint.schedules.tasks import RunSchedule
from tests.factories import apple_template, create_pass, create_template
from tests.passes.conftest import Verify, pass_json
from tests.schedules.conftest import NOTIFY_EXAMPLE, body, id_of, make_due, schedule, update_of

TAGGED = {"tags": ["TZ_ET"]}
COUPON = {"Coupon": {"value": "50%"}}


def no_wait(_attempts: int) -> timedelta:
    return timedelta(0)


def worker(database: Database, job_context: JobContext) -> Worker:
    return Worker(database, job_context, delay=no_wait)


def path(item: dict[str, Any]) -> str:
    return str(item["url"]).removeprefix("http://localhost")


async def coupon(api: httpx.AsyncClient, pass_id: int) -> str:
    return str((await api.get(f"/v1/pass/{pass_id}")).json()["fields"]["Coupon"]["value"])


async def ticket_of(api: httpx.AsyncClient, item: dict[str, Any]) -> dict[str, Any]:
    return (await api.get(str(item["ticket"]).removeprefix("http://localhost"))).json()  # type: ignore[no-any-return]


async def jobs_named(database: Database, name: str) -> list[Job]:
    async with database.transaction() as session:
        return list((await session.scalars(select(Job).where(Job.name == name))).all())


async def stored_values(database: Database, pass_id: int) -> dict[str, Any]:
    async with database.transaction() as session:
        found = await session.get(Pass, pass_id)
        assert found is not None
        return found.values


@pytest.fixture
async def template_id(api: httpx.AsyncClient, project_id: int) -> int:
    return await create_template(api, project_id)


class TestRunning:
    async def test_due_update_reaches_the_audience(
        self,
        api: httpx.AsyncClient,
        project_id: int,
        template_id: int,
        database: Database,
        job_context: JobContext,
        verify: Verify,
    ) -> None:
        tagged = [await create_pass(api, template_id, TAGGED) for _ in range(2)]
        other = await create_pass(api, template_id)
        item = await schedule(api, project_id, update_of(COUPON, {"tag": "TZ_ET"}))
        await make_due(database, id_of(item))
        assert await worker(database, job_context).run_until_idle() >= 2  # the run and its bulk change
        assert [await coupon(api, p["id"]) for p in tagged] == ["50%", "50%"]
        assert await coupon(api, other["id"]) == "20%"
        document = pass_json(verify((await api.get(f"/v1/pass/{tagged[0]['id']}/download")).content))
        assert document["storeCard"]["primaryFields"][0]["value"] == "50%"
        ticket = await ticket_of(api, item)
        assert (ticket["status"], ticket["total"], ticket["done"]) == ("COMPLETED", 2, 2)

    async def test_a_run_schedule_is_kept_but_no_longer_listed_or_changed(
        self, api: httpx.AsyncClient, project_id: int, database: Database, job_context: JobContext
    ) -> None:
        item = await schedule(api, project_id, update_of(COUPON))
        await make_due(database, id_of(item))
        await worker(database, job_context).run_until_idle()
        listed = (await api.get(f"/v1/schedules/{project_id}")).json()
        assert (listed["count"], listed["total_count"]) == (0, 0)
        read = await api.get(path(item))
        assert read.status_code == 200 and read.json()["ticket"] == item["ticket"]
        assert (await ticket_of(api, item))["status"] == "COMPLETED"  # no passes: nothing to do
        replaced = await api.put(path(item), json=update_of(COUPON))
        assert replaced.status_code == 409 and replaced.json()["error_code"] == "schedule_already_ran"
        assert (await api.delete(path(item))).status_code == 409

    async def test_not_before_its_time(
        self,
        api: httpx.AsyncClient,
        project_id: int,
        template_id: int,
        database: Database,
        job_context: JobContext,
    ) -> None:
        created = await create_pass(api, template_id)
        await schedule(api, project_id, update_of(COUPON))
        assert await worker(database, job_context).run_until_idle() == 0
        assert await coupon(api, created["id"]) == "20%"
        assert (await api.get(f"/v1/schedules/{project_id}")).json()["total_count"] == 1

    async def test_exactly_once_with_two_workers(
        self,
        api: httpx.AsyncClient,
        project_id: int,
        template_id: int,
        database: Database,
        job_context: JobContext,
    ) -> None:
        passes = [await create_pass(api, template_id, TAGGED) for _ in range(3)]
        item = await schedule(api, project_id, update_of(COUPON, {"tag": "TZ_ET"}))
        async with database.transaction() as session:  # the same run queued twice, as a retry might
            await enqueue(session, RunSchedule(schedule_id=id_of(item), version=1))
        await make_due(database, id_of(item))
        first, second = worker(database, job_context), worker(database, job_context)
        await asyncio.gather(first.run_until_idle(), second.run_until_idle())
        await worker(database, job_context).run_until_idle()  # anything a lost race left to retry
        runs = await jobs_named(database, RUN)
        assert [job.status for job in runs] == ["done", "done"]
        assert len(await jobs_named(database, bulk.JOB)) == 1
        ticket = await ticket_of(api, item)
        assert (ticket["status"], ticket["total"], ticket["done"]) == ("COMPLETED", 3, 3)
        assert {await coupon(api, p["id"]) for p in passes} == {"50%"}

    async def test_replaced_schedule_runs_its_latest_version_only(
        self,
        api: httpx.AsyncClient,
        project_id: int,
        template_id: int,
        database: Database,
        job_context: JobContext,
    ) -> None:
        created = await create_pass(api, template_id)
        item = await schedule(api, project_id, update_of({"Coupon": {"value": "first"}}))
        await api.put(path(item), json=update_of({"Coupon": {"value": "second"}}))
        await make_due(database, id_of(item))
        await worker(database, job_context).run_until_idle()
        assert await coupon(api, created["id"]) == "second"
        assert len(await jobs_named(database, bulk.JOB)) == 1
        assert {job.status for job in await jobs_named(database, RUN)} == {"done"}

    async def test_replaced_by_a_notification(
        self,
        api: httpx.AsyncClient,
        project_id: int,
        template_id: int,
        database: Database,
        job_context: JobContext,
    ) -> None:
        created = await create_pass(api, template_id, TAGGED)
        untagged = await create_pass(api, template_id)
        item = await schedule(api, project_id, update_of(COUPON))
        await api.put(path(item), json=body(NOTIFY_EXAMPLE))
        await make_due(database, id_of(item))
        await worker(database, job_context).run_until_idle()
        values = await stored_values(database, created["id"])
        assert values["notification"] == NOTIFY_EXAMPLE["notify"]["pass"]["notification"]
        assert "notification" not in await stored_values(database, untagged["id"])
        assert await coupon(api, created["id"]) == "20%"
        download = await api.get(f"/v1/pass/{created['id']}/download")
        assert download.status_code == 200

    async def test_deleted_schedule_never_runs(
        self,
        api: httpx.AsyncClient,
        project_id: int,
        template_id: int,
        database: Database,
        job_context: JobContext,
    ) -> None:
        created = await create_pass(api, template_id)
        item = await schedule(api, project_id, update_of(COUPON))
        await make_due(database, id_of(item))  # due, but deleted before a worker comes by
        assert (await api.delete(path(item))).status_code == 204
        await worker(database, job_context).run_until_idle()
        assert await coupon(api, created["id"]) == "20%"
        assert await jobs_named(database, bulk.JOB) == []
        assert (await ticket_of(api, item))["status"] == "FAILED"

    async def test_template_narrows_the_audience(
        self,
        api: httpx.AsyncClient,
        project_id: int,
        template_id: int,
        database: Database,
        job_context: JobContext,
    ) -> None:
        other_template = await create_template(api, project_id, apple_template(name="Other"))
        mine, theirs = await create_pass(api, template_id), await create_pass(api, other_template)
        item = await schedule(api, project_id, update_of(COUPON, template=template_id))
        await make_due(database, id_of(item))
        await worker(database, job_context).run_until_idle()
        assert (await coupon(api, mine["id"]), await coupon(api, theirs["id"])) == ("50%", "20%")

    async def test_a_run_that_cannot_start_fails_its_ticket_once(
        self, api: httpx.AsyncClient, project_id: int, database: Database, job_context: JobContext
    ) -> None:
        item = await schedule(api, project_id, update_of(COUPON))
        async with database.transaction() as session:  # stored by an older version, say
            await session.execute(
                update(Schedule)
                .where(Schedule.id == uuid.UUID(id_of(item)))
                .values(audience={"colour": "red"})
            )
        await make_due(database, id_of(item))
        await worker(database, job_context).run_until_idle()
        ticket = await ticket_of(api, item)
        assert ticket["status"] == "FAILED" and "colour" in ticket["error"]
        assert [job.status for job in await jobs_named(database, RUN)] == ["done"]
        async with database.transaction() as session:
            ran = await session.scalar(select(func.count()).where(Schedule.ran_at.is_not(None)))
        assert ran == 1


class TestSegmentTargets:
    async def test_a_schedule_reaches_the_segments_passes_as_they_are_when_it_runs(
        self,
        api: httpx.AsyncClient,
        project_id: int,
        template_id: int,
        database: Database,
        job_context: JobContext,
    ) -> None:
        gold = await create_pass(api, template_id, {"tags": ["gold"]})
        lapsed = await create_pass(api, template_id, {"tags": ["gold", "lapsed"]})
        criteria = {"and": [{"tag": "gold"}, {"not": {"tag": "lapsed"}}]}
        made = await api.post(f"/v1/segments/{project_id}", json={"criteria": criteria})
        segment_id = made.json()["segmentId"]
        item = await schedule(api, project_id, update_of(COUPON, {"segment": segment_id}))
        later = await create_pass(api, template_id, {"tags": ["gold"]})  # in the segment by run time
        await make_due(database, id_of(item))
        await worker(database, job_context).run_until_idle()
        coupons = [await coupon(api, p["id"]) for p in (gold, lapsed, later)]
        assert coupons == ["50%", "20%", "50%"]
        assert (await ticket_of(api, item))["done"] == 2

    async def test_a_deleted_segment_fails_the_run(
        self, api: httpx.AsyncClient, project_id: int, database: Database, job_context: JobContext
    ) -> None:
        made = await api.post(f"/v1/segments/{project_id}", json={"criteria": {"tag": "gold"}})
        segment_id = made.json()["segmentId"]
        item = await schedule(api, project_id, update_of(COUPON, {"segment": segment_id}))
        assert (await api.delete(f"/v1/segments/{project_id}/{segment_id}")).status_code == 204
        await make_due(database, id_of(item))
        await worker(database, job_context).run_until_idle()
        ticket = await ticket_of(api, item)
        assert ticket["status"] == "FAILED" and segment_id in ticket["error"]

    async def test_an_unknown_segment_is_refused_when_saved(
        self, api: httpx.AsyncClient, project_id: int
    ) -> None:
        response = await api.post(
            f"/v1/schedules/{project_id}", json=update_of(COUPON, {"segment": str(uuid.uuid4())})
        )
        assert (response.status_code, response.json()["error_code"]) == (404, "segment_not_found")
