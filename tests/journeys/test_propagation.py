"""A change to a flight or an event reaches every pass showing it: pass.json, semantic tags, pushes."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from passmint.db import Database
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.journeys import service as journey_service
from passmint.journeys import tasks as journey_tasks
from passmint.models import Job, Journey
from tests.conftest import ApiClient
from tests.journeys.conftest import EVENT, boarding_project, document, new_flight, passes_of
from tests.pushes.apns_standin import ApnsStandIn
from tests.pushes.conftest import hold


async def attach(database: Database, journey_id: int, pass_ids: list[int]) -> None:
    """Attach passes as the multiple adaptive link will."""
    async with database.transaction() as session:
        journey = await session.get(Journey, journey_id)
        assert journey is not None
        await journey_service.attach_passes(session, journey, pass_ids)


async def pass_json(api: ApiClient, pass_id: int) -> dict[str, object]:
    response = await api.get(f"/v1/pass/{pass_id}/download")
    assert response.status_code == 200, response.text
    return document(response.content)


def field(pass_json: dict[str, object], key: str) -> object:
    style = pass_json["boardingPass"]
    assert isinstance(style, dict)
    for group in style.values():
        for item in group if isinstance(group, list) else []:
            if item["key"] == key:
                return item["value"]
    raise AssertionError(f"no field {key}")


class TestGateChange:
    async def test_three_passengers_each_device_pushed_once_with_the_new_gate(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        project_id, template_id = await boarding_project(api)
        made = await new_flight(api, project_id)
        pass_ids = await passes_of(api, template_id, 3)
        await attach(database, made["flightId"], pass_ids)
        before = await pass_json(api, pass_ids[0])
        assert field(before, "departureGate") == "25"
        assert field(before, "seat") == "1A"
        assert before["semantics"]["departureGate"] == "25"  # type: ignore[index]
        assert before["relevantDate"] == "2025-03-19T20:59:00-07:00"
        devices = await hold(database, pass_ids)
        await Worker(database, push_context).run_until_idle()
        apns.requests.clear()

        response = await api.put(
            f"/v1/flights/project/{project_id}/passGroups/sfo-pdx-20250319",
            json={"fields": {"departureGate": {"value": "21"}}},
        )
        assert response.status_code == 200
        await Worker(database, push_context).run_until_idle()

        assert Counter(request.token for request in apns.requests) == Counter(devices)
        for pass_id in pass_ids:
            after = await pass_json(api, pass_id)
            assert field(after, "departureGate") == "21"
            assert after["semantics"]["departureGate"] == "21"  # type: ignore[index]
            assert after["semantics"]["departureAirportCode"] == "SFO"  # type: ignore[index]

    async def test_the_flight_lists_its_passes(self, api: ApiClient, database: Database) -> None:
        project_id, template_id = await boarding_project(api)
        made = await new_flight(api, project_id)
        pass_ids = await passes_of(api, template_id, 2)
        await attach(database, made["flightId"], pass_ids)
        listed = await api.get(f"/v1/flights/project/{project_id}/{made['flightId']}/passes?direction=ASC")
        assert listed.status_code == 200
        assert [item["id"] for item in listed.json()["passes"]] == pass_ids
        assert listed.json()["count"] == 2
        missing = await api.get(f"/v1/flights/project/{project_id}/999999/passes")
        assert missing.status_code == 404

    async def test_deleting_the_flight_pushes_its_passes(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        project_id, template_id = await boarding_project(api)
        made = await new_flight(api, project_id)
        pass_ids = await passes_of(api, template_id, 1)
        await attach(database, made["flightId"], pass_ids)
        devices = await hold(database, pass_ids)
        await api.delete(f"/v1/flights/project/{project_id}/{made['flightId']}")
        await Worker(database, push_context).run_until_idle()
        assert Counter(request.token for request in apns.requests) == Counter(devices)
        assert field(await pass_json(api, pass_ids[0]), "departureGate") == ""


class TestEventChange:
    async def test_an_event_update_reaches_its_tickets(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        project_id, template_id = await boarding_project(api)
        made = (await api.post(f"/v1/events/project/{project_id}", json=EVENT)).json()
        pass_ids = await passes_of(api, template_id, 2)
        await attach(database, made["eventId"], pass_ids)
        devices = await hold(database, pass_ids)
        await Worker(database, push_context).run_until_idle()
        apns.requests.clear()
        path = f"/v1/events/project/{project_id}/{made['eventId']}"
        await api.put(path, json={"fields": {"venueTitle": {"value": "Oracle Park"}}})
        await Worker(database, push_context).run_until_idle()
        assert Counter(request.token for request in apns.requests) == Counter(devices)
        after = await pass_json(api, pass_ids[1])
        assert after["semantics"]["venueName"] == "Oracle Park"  # type: ignore[index]
        assert after["relevantDate"] == "2019-09-25T10:35:00-07:00"
        listed = await api.get(f"{path}/passes")
        assert listed.json()["count"] == 2


class TestInJobs:
    async def test_the_group_update_answers_before_any_pass_changes_then_jobs_do_it_in_batches(
        self,
        api: ApiClient,
        database: Database,
        apns: ApnsStandIn,
        push_context: JobContext,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(journey_tasks, "BATCH", 2)
        project_id, template_id = await boarding_project(api)
        flights = [await new_flight(api, project_id) for _ in range(2)]
        pass_ids = await passes_of(api, template_id, 5)
        await attach(database, flights[0]["flightId"], pass_ids[:3])
        await attach(database, flights[1]["flightId"], pass_ids[3:])
        devices = await hold(database, pass_ids)
        await Worker(database, push_context).run_until_idle()
        apns.requests.clear()
        before = {pass_id: (await api.get(f"/v1/pass/{pass_id}")).json()["updatedAt"] for pass_id in pass_ids}

        response = await api.put(
            f"/v1/flights/project/{project_id}/passGroups/sfo-pdx-20250319",
            json={"fields": {"departureGate": {"value": "21"}}},
        )
        assert len(response.json()["flights"]) == 2
        for pass_id in pass_ids:  # nothing done in the request but the flights and a queued job
            assert (await api.get(f"/v1/pass/{pass_id}")).json()["updatedAt"] == before[pass_id]
        async with database.transaction() as session:
            queued = (await session.scalars(select(Job).where(Job.status == "queued"))).all()
        assert [job.name for job in queued] == ["journeys.propagate"]
        ticket_id = queued[0].payload["ticket_id"]

        await Worker(database, push_context).run_until_idle()
        assert Counter(request.token for request in apns.requests) == Counter(devices)
        done = (await api.get(f"/v1/ticket/{ticket_id}")).json()
        assert (done["status"], done["total"], done["done"]) == ("COMPLETED", 5, 5)
