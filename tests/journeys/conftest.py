"""Shared makers for flight and event tests: a boarding-pass project and template, a flight body."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from typing import Any

import httpx

from tests.factories import apple_template, create_pass, create_project, create_template
from tests.pushes.conftest import apns, push_context  # noqa: F401 - fixtures the propagation tests use

FLIGHT = {
    "passGroups": ["sfo-pdx-20250319"],
    "fields": {
        "flightNumber": {"value": "815"},
        "airlineCode": {"value": "WN"},
        "airlineName": {"value": "Southwest Airlines"},
        "departureAirport": {"label": "San Francisco", "value": "SFO"},
        "departureGate": {"label": "Gate #", "value": "25"},
        "boardingTime": {"value": "2025-03-19T20:30:00"},
        "departureTime": {"value": "2025-03-19T20:59"},
        "arrivalAirport": {"label": "Portland", "value": "PDX"},
        "arrivalTime": {"value": "2025-03-20T09:30:00"},
        "flightStatus": {"value": "scheduled"},
        "semantics": {
            "departureAirportCode": "SFO",
            "departureCityName": "San Francisco",
            "departureLocationTimeZone": "America/Los_Angeles",
            "departureAirportLocation": {"latitude": 37.6191, "longitude": -122.3816},
            "destinationAirportCode": "PDX",
            "destinationCityName": "Portland",
            "destinationLocationTimeZone": "America/Los_Angeles",
        },
    },
}
EVENT = {
    "passGroups": ["giants_2019-09-25"],
    "fields": {
        "eventName": {"value": "Giants vs. Dodgers"},
        "venueTitle": {"value": "AT&T Park"},
        "venueAddress": {"value": "24 Willie Mays Plaza, San Francisco"},
        "doorsOpen": {"value": "2019-09-25T08:35:00"},
        "startTime": {"value": "2019-09-25T10:35:00-07:00"},
    },
}
BOARDING_FIELDS = {
    "departureGate": {"label": "Gate", "value": "", "fieldType": "primary", "formatType": "String"},
    "departureAirport": {"label": "From", "value": "", "fieldType": "primary", "formatType": "String"},
    "seat": {"label": "Seat", "value": "", "fieldType": "secondary", "formatType": "String"},
    "boardingTime": {"label": "Boarding", "value": "", "fieldType": "auxiliary", "formatType": "Date"},
}


def flight(**fields: Any) -> dict[str, Any]:
    body = copy.deepcopy(FLIGHT)
    body["fields"].update(fields)
    return body


async def boarding_project(api: httpx.AsyncClient) -> tuple[int, int]:
    """A boarding-pass project and an Apple template in it; their ids."""
    project = await create_project(api, name="Air", projectType="boardingPass")
    template = apple_template(projectType="boardingPass", fields=copy.deepcopy(BOARDING_FIELDS))
    return project["id"], await create_template(api, project["id"], template)


async def new_flight(
    api: httpx.AsyncClient, project_id: int, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await api.post(f"/v1/flights/project/{project_id}", json=body or flight())
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def passes_of(api: httpx.AsyncClient, template_id: int, count: int) -> list[int]:
    return [
        (await create_pass(api, template_id, {"fields": {"seat": {"value": f"{row}A"}}}))["id"]
        for row in range(1, count + 1)
    ]


def document(pkpass: bytes) -> dict[str, Any]:
    return json.loads(zipfile.ZipFile(io.BytesIO(pkpass)).read("pass.json"))  # type: ignore[no-any-return]
