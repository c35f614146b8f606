"""Changes to Google passes reach Google: the right calls, within the rate limit, with the ticket complete."""

from __future__ import annotations

import asyncio
import copy
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from passmint.db import Database
from passmint.google.ids import class_id, object_id
from passmint.googleapi import service as google_service
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.models import Job, Pass
from passmint.passes.downloads import record_of
from tests.conftest import ApiClient
from tests.factories import GOOGLE_TEMPLATE, create_pass, create_project, create_template, passes_like
from tests.support.google_standin import GoogleStandin
from tests.support.waiting import poll

DEV_ISSUER = "3388000000000000000"


async def google_template(api: ApiClient) -> int:
    project = await create_project(api)
    return await create_template(api, project["id"], copy.deepcopy(GOOGLE_TEMPLATE))


async def insert_now(database: Database, api: ApiClient, context: JobContext, pass_id: int) -> None:
    async with database.transaction() as session:
        pass_ = await session.get(Pass, pass_id)
        assert pass_ is not None
        record = await record_of(session, pass_)
        await google_service.insert_object_now(session, api.account, record, context.settings, context.http)


async def ticket(api: ApiClient, ticket_id: int) -> dict[str, Any]:
    return (await api.get(f"/v1/ticket/{ticket_id}")).json()  # type: ignore[no-any-return]


def points_of(standin: GoogleStandin, pass_id: int) -> Any:
    """The points balance of the pass's loyalty object at the stand-in."""
    found = standin.resource("loyaltyObject", object_id(DEV_ISSUER, pass_id))
    assert found is not None
    return found["loyaltyPoints"]["balance"]["int"]


class TestPassUpdate:
    async def test_an_update_patches_the_object_google_knows(
        self, api: ApiClient, database: Database, google_context: JobContext, standin: GoogleStandin
    ) -> None:
        template_id = await google_template(api)
        await Worker(database, google_context).run_until_idle()  # the class inserted at creation
        known = (await create_pass(api, template_id, {"fields": {"Points": {"value": 100}}}))["id"]
        unknown = (await create_pass(api, template_id))["id"]
        await insert_now(database, api, google_context, known)
        assert len(standin.calls_of("POST", "loyaltyObject")) == 1
        for pass_id in (known, unknown):
            response = await api.put(f"/v1/pass/{pass_id}", json={"fields": {"Points": {"value": 250}}})
            assert response.status_code == 200, response.text
        await Worker(database, google_context).run_until_idle()
        patches = standin.calls_of("PATCH", "loyaltyObject/")
        assert [call.path.rsplit("/", 1)[1] for call in patches] == [object_id(DEV_ISSUER, known)]
        assert points_of(standin, known) == 250
        assert standin.calls_of("POST", "loyaltyObject/") == []  # no object inserted for the other


class TestTemplateCreate:
    async def test_a_new_template_inserts_its_class(
        self, api: ApiClient, database: Database, google_context: JobContext, standin: GoogleStandin
    ) -> None:
        template_id = await google_template(api)
        await Worker(database, google_context).run_until_idle()
        klass = standin.resource("loyaltyClass", class_id(DEV_ISSUER, template_id))
        assert klass is not None and klass["programName"] == "Google loyalty"
        assert len(standin.calls_of("POST", "loyaltyClass")) == 1
        copied = await api.post(f"/v1/template/duplicate/{template_id}")
        assert copied.status_code == 200, copied.text
        await Worker(database, google_context).run_until_idle()
        copy_id = int(copied.json()["templateId"])
        assert standin.resource("loyaltyClass", class_id(DEV_ISSUER, copy_id)) is not None


class TestTemplateUpdate:
    async def test_the_class_is_updated_and_known_objects_patched(
        self, api: ApiClient, database: Database, google_context: JobContext, standin: GoogleStandin
    ) -> None:
        template_id = await google_template(api)
        pass_id = (await create_pass(api, template_id))["id"]
        await insert_now(database, api, google_context, pass_id)
        await Worker(database, google_context).run_until_idle()  # the class inserted at creation
        standin.calls.clear()
        response = await api.put(f"/v1/template/{template_id}", json=GOOGLE_TEMPLATE | {"name": "Renamed"})
        assert response.status_code == 200, response.text
        await Worker(database, google_context).run_until_idle()
        klass = standin.resource("loyaltyClass", class_id(DEV_ISSUER, template_id))
        assert klass is not None and klass["programName"] == "Renamed"
        callbacks = f"{google_context.settings.base_url}/google/v1/callbacks"
        assert klass["callbackOptions"] == {"url": callbacks}  # Google sends saves and deletes there
        assert len(standin.calls_of("PUT", "loyaltyClass/")) == 1
        patches = standin.calls_of("PATCH", "loyaltyObject/")
        assert [call.path.rsplit("/", 1)[1] for call in patches] == [object_id(DEV_ISSUER, pass_id)]


PASSES = 2_000


async def many_known_passes(
    database: Database, standin: GoogleStandin, template_id: int, first: int
) -> list[int]:
    """``PASSES`` passes Google knows: ``first`` and new ones written straight to the database and the
    stand-in."""
    async with database.transaction() as session:
        pass_ids = await passes_like(session, template_id, first, PASSES)
        await google_service.mark_known(session, pass_ids)
    klass = class_id(DEV_ISSUER, template_id)
    standin.resources["loyaltyClass"] = {
        klass: {
            "id": klass,
            "issuerName": "Loyalty",
            "programName": "Google loyalty",
            "reviewStatus": "UNDER_REVIEW",
        }
    }
    standin.resources["loyaltyObject"] = {
        object_id(DEV_ISSUER, pass_id): {
            "id": object_id(DEV_ISSUER, pass_id),
            "classId": klass,
            "state": "ACTIVE",
        }
        for pass_id in pass_ids
    }
    return pass_ids


class TestBulkUpdate:
    async def test_two_thousand_passes_are_patched_in_batches_within_the_rate(
        self, api: ApiClient, database: Database, google_context: JobContext, standin: GoogleStandin
    ) -> None:
        standin.rps = google_context.settings.google_rps  # with a second of slack for this busy process
        template_id = await google_template(api)
        await Worker(database, google_context).run_until_idle()  # the new template's class goes to Google
        pass_ids = await many_known_passes(
            database, standin, template_id, (await create_pass(api, template_id))["id"]
        )
        response = await api.put(
            f"/v1/template/{template_id}/passes", json={"fields": {"Points": {"value": 7}}}
        )
        ticket_id = response.json()["ticketId"]
        await Worker(database, google_context).run_until_idle()
        done = await ticket(api, ticket_id)
        assert (done["status"], done["done"], done["total"]) == ("COMPLETED", PASSES, PASSES)
        patched = [call.path.rsplit("/", 1)[1] for call in standin.calls_of("PATCH", "loyaltyObject/")]
        assert sorted(patched) == sorted(object_id(DEV_ISSUER, pass_id) for pass_id in pass_ids)  # once each
        assert standin.refused_for_rate == 0
        assert standin.busiest_second() <= 3 * standin.rps  # a second's burst, a second's rate, the slack
        assert all(points_of(standin, pass_id) == 7 for pass_id in pass_ids)

    @pytest.mark.slow
    async def test_a_worker_killed_halfway_resumes_and_skips_nothing(
        self, api: ApiClient, database: Database, google_context: JobContext, standin: GoogleStandin
    ) -> None:
        template_id = await google_template(api)
        pass_ids = await many_known_passes(
            database, standin, template_id, (await create_pass(api, template_id))["id"]
        )
        response = await api.put(
            f"/v1/template/{template_id}/passes", json={"fields": {"Points": {"value": 8}}}
        )
        ticket_id = response.json()["ticketId"]
        lease = timedelta(seconds=2)
        doomed = asyncio.create_task(Worker(database, google_context, lease=lease).run_until_idle())

        async def halfway() -> bool:
            return len(standin.calls_of("PATCH", "loyaltyObject/")) >= PASSES // 3

        await poll(halfway, "the first worker has sent a third of the patches", seconds=60)
        doomed.cancel()
        with pytest.raises(asyncio.CancelledError):
            await doomed
        assert (await ticket(api, ticket_id))["status"] != "COMPLETED"
        async with database.transaction() as session:
            assert await session.scalar(select(Job.id).where(Job.status == "running").limit(1)) is not None

        async def completed() -> bool:
            await Worker(database, google_context, lease=lease).run_until_idle()
            return (await ticket(api, ticket_id))["status"] == "COMPLETED"

        await poll(completed, "a new worker completes the update", seconds=120)
        done = await ticket(api, ticket_id)
        assert (done["done"], done["total"]) == (PASSES, PASSES)
        assert all(points_of(standin, pass_id) == 8 for pass_id in pass_ids)


class TestNotify:
    async def test_three_notifications_a_day_then_silent_messages_and_delete_removes_them(
        self, api: ApiClient, database: Database, google_context: JobContext, standin: GoogleStandin
    ) -> None:
        template_id = await google_template(api)
        pass_id = (await create_pass(api, template_id))["id"]
        await insert_now(database, api, google_context, pass_id)
        tickets = []
        for number in range(4):
            response = await api.post(
                f"/v1/pass/{pass_id}/notify", json={"label": "News", "value": f"n{number}"}
            )
            assert response.status_code == 200, response.text
            tickets.append(response.json()["ticketId"])
            await Worker(database, google_context).run_until_idle()
        added = [call.body["message"] for call in standin.calls_of("POST", "/addMessage") if call.body]
        assert [message["messageType"] for message in added] == ["TEXT_AND_NOTIFY"] * 3 + ["TEXT"]
        assert [message["body"] for message in added] == ["n0", "n1", "n2", "n3"]
        assert added[0]["header"] == "News"
        states = [await ticket(api, ticket_id) for ticket_id in tickets]
        assert all(state["status"] == "COMPLETED" and state["done"] == 1 for state in states)
        assert states[2].get("error") is None and "3 notifications" in states[3]["error"]

        response = await api.post(f"/v1/pass/{pass_id}/message", json={"header": "Kept", "body": "stays"})
        assert response.status_code == 200, response.text
        await Worker(database, google_context).run_until_idle()
        assert (await api.delete(f"/v1/pass/{pass_id}/notify")).status_code == 200
        await Worker(database, google_context).run_until_idle()
        remaining = standin.resource("loyaltyObject", object_id(DEV_ISSUER, pass_id))
        assert remaining is not None
        assert [message["body"] for message in remaining["messages"]] == ["stays"]

    async def test_a_notification_to_an_object_holding_ten_messages_drops_the_oldest(
        self, api: ApiClient, database: Database, google_context: JobContext, standin: GoogleStandin
    ) -> None:
        template_id = await google_template(api)
        pass_id = (await create_pass(api, template_id))["id"]
        await insert_now(database, api, google_context, pass_id)
        for number in range(10):
            response = await api.post(f"/v1/pass/{pass_id}/message", json={"body": f"m{number}"})
            assert response.status_code == 200, response.text
        await Worker(database, google_context).run_until_idle()
        response = await api.post(f"/v1/pass/{pass_id}/notify", json={"value": "flash"})
        assert response.status_code == 200, response.text
        await Worker(database, google_context).run_until_idle()
        assert (await ticket(api, response.json()["ticketId"]))["done"] == 1
        found = standin.resource("loyaltyObject", object_id(DEV_ISSUER, pass_id))
        assert found is not None
        bodies = [message["body"] for message in found["messages"]]
        assert bodies == [f"m{number}" for number in range(1, 10)] + ["flash"]
        assert found["messages"][-1]["messageType"] == "TEXT_AND_NOTIFY"
