"""A Google pass showing a flight or an event belongs to its journey's class, which a change of the journey
updates at Google."""

from __future__ import annotations

import copy

from passmint.db import Database
from passmint.google.ids import journey_class_id, object_id
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.journeys import service as journey_service
from passmint.models import Journey
from tests.conftest import ApiClient
from tests.factories import GOOGLE_TEMPLATE, create_pass, create_project, create_template
from tests.googleapi.test_sync import DEV_ISSUER, insert_now
from tests.journeys.conftest import EVENT, flight
from tests.support import google_schema
from tests.support.google_standin import GoogleStandin


async def attached_pass(
    api: ApiClient, database: Database, context: JobContext, project_type: str, kind: str
) -> tuple[int, int, int, int]:
    """A Google pass of a new ``project_type`` project showing a new flight or event: project, template
    and pass ids, and the journey's id."""
    project = await create_project(api, name="Air", projectType=project_type)
    template = copy.deepcopy(GOOGLE_TEMPLATE) | {"projectType": project_type}
    template_id = await create_template(api, project["id"], template)
    await Worker(database, context).run_until_idle()  # the template's class inserted at creation
    pass_id = (await create_pass(api, template_id))["id"]
    body = flight() if kind == "flights" else copy.deepcopy(EVENT)
    response = await api.post(f"/v1/{kind}/project/{project['id']}", json=body)
    assert response.status_code in (200, 201), response.text
    journey_id = response.json()["flightId" if kind == "flights" else "eventId"]
    async with database.transaction() as session:
        journey = await session.get(Journey, journey_id)
        assert journey is not None
        await journey_service.attach_passes(session, journey, [pass_id])
    return project["id"], template_id, pass_id, journey_id


async def test_a_gate_change_updates_the_flight_class_at_google(
    api: ApiClient, database: Database, google_context: JobContext, standin: GoogleStandin
) -> None:
    project_id, template_id, pass_id, flight_id = await attached_pass(
        api, database, google_context, "boardingPass", "flights"
    )
    await insert_now(database, api, google_context, pass_id)
    klass_id = journey_class_id(DEV_ISSUER, template_id, flight_id)
    klass = standin.resource("flightClass", klass_id)
    assert klass is not None
    assert klass["flightHeader"]["flightNumber"] == "815"
    assert klass["flightHeader"]["carrier"]["carrierIataCode"] == "WN"
    assert klass["origin"] == {"airportIataCode": "SFO", "gate": "25"}
    assert klass["destination"] == {"airportIataCode": "PDX"}
    assert klass["localScheduledDepartureDateTime"] == "2025-03-19T20:59:00"
    assert klass["localBoardingDateTime"] == "2025-03-19T20:30:00"
    assert klass["flightStatus"] == "SCHEDULED"
    found = standin.resource("flightObject", object_id(DEV_ISSUER, pass_id))
    assert found is not None and found["classId"] == klass_id
    response = await api.put(
        f"/v1/flights/project/{project_id}/{flight_id}", json={"fields": {"departureGate": {"value": "30"}}}
    )
    assert response.status_code == 200, response.text
    await Worker(database, google_context).run_until_idle()
    klass = standin.resource("flightClass", klass_id)
    assert klass is not None and klass["origin"]["gate"] == "30"
    assert [call.path.rsplit("/", 1)[1] for call in standin.calls_of("PUT", "flightClass/")] == [klass_id]
    assert standin.calls_of("PATCH", "flightObject/")


async def test_an_event_ticket_takes_the_events_name_venue_and_start(
    api: ApiClient, database: Database, google_context: JobContext, standin: GoogleStandin
) -> None:
    _project_id, template_id, pass_id, event_id = await attached_pass(
        api, database, google_context, "eventTicket", "events"
    )
    rendered = (await api.get(f"/v1/pass/{pass_id}/viewJSONPass")).json()
    klass = rendered["class"]
    google_schema.check("eventTicketClass", klass)
    assert klass["id"] == journey_class_id(DEV_ISSUER, template_id, event_id)
    assert klass["eventName"]["defaultValue"]["value"] == "Giants vs. Dodgers"
    assert klass["venue"]["name"]["defaultValue"]["value"] == "AT&T Park"
    assert klass["dateTime"]["start"] == "2019-09-25T10:35:00-07:00"
    assert klass["dateTime"]["doorsOpen"] == "2019-09-25T08:35:00"
    assert rendered["object"]["classId"] == klass["id"]
