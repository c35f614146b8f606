"""Journeys as the API answers them: each kind with its own key names."""

from __future__ import annotations

from typing import Any

from passmint.journeys import schemas
from passmint.journeys.kinds import FLIGHT, Kind
from passmint.journeys.service import JourneyView, shown_fields


def read(kind: Kind, view: JourneyView) -> schemas.FlightRead | schemas.EventRead:
    journey, project = view.journey, view.project
    common: dict[str, Any] = {
        "project_id": project.id,
        "project_external_id": project.external_id,
        "created_at": journey.created_at,
        "updated_at": journey.updated_at,
        "pass_groups": view.groups,
        "fields": shown_fields(journey),
    }
    if kind is FLIGHT:
        return schemas.FlightRead(flight_id=journey.id, flight_external_id=journey.external_id, **common)
    return schemas.EventRead(event_id=journey.id, event_external_id=journey.external_id, **common)


def groups(kind: Kind, view: JourneyView) -> schemas.FlightGroups | schemas.EventGroups:
    journey = view.journey
    if kind is FLIGHT:
        return schemas.FlightGroups(
            flight_id=journey.id, flight_external_id=journey.external_id, pass_groups=view.groups
        )
    return schemas.EventGroups(
        event_id=journey.id,
        event_ticket_id=journey.id,
        event_external_id=journey.external_id,
        pass_groups=view.groups,
    )


def group_update(
    kind: Kind, name: str, ids: list[int]
) -> schemas.FlightGroupUpdate | schemas.EventGroupUpdate:
    if kind is FLIGHT:
        return schemas.FlightGroupUpdate(
            group_name=name, flights=[schemas.FlightItem(flight_id=i) for i in ids]
        )
    return schemas.EventGroupUpdate(
        group_name=name, events=[schemas.EventItem(event_ticket_id=i) for i in ids]
    )
