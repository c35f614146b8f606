"""What differs between a flight and an event: names on the wire, required fields, default labels,
allowed values and how their Apple semantic tags are completed. Everything else is shared."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from passmint.apple.semantics import event_semantics, flight_semantics

Completer = Callable[[Mapping[str, Any], Mapping[str, Any] | None, Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    """One kind of journey (flight or event) as the reference spells it."""

    name: str
    title: str
    id_key: str
    external_key: str
    group_item_key: str
    """The key of each item of a pass-group update's answer (``eventTicketId`` for events)."""
    group_list_key: str
    required: tuple[str, ...]
    labels: dict[str, str]
    """Default labels, filled in where a field has none."""
    always: tuple[str, ...] = ()
    """Fields shown (empty) even when never sent, as the reference's answers show ``arrivalGate``."""
    choices: dict[str, frozenset[str]] = field(default_factory=dict)
    times: frozenset[str] = frozenset()
    semantics: Completer = flight_semantics
    created_status: int = 201
    """What a create answers, as the reference documents it (flights: 200, though its examples print 201)."""


FLIGHT = Kind(
    name="flight",
    title="Flight",
    id_key="flightId",
    external_key="flightExternalId",
    group_item_key="flightId",
    group_list_key="flights",
    required=("flightNumber", "airlineCode", "airlineName", "departureAirport", "arrivalAirport"),
    labels={
        "flightNumber": "Flight Number",
        "airlineCode": "Airline Code",
        "airlineName": "Airline Name",
        "departureAirport": "Departure Airport",
        "arrivalAirport": "Arrival Airport",
        "departureGate": "Departure Gate",
        "departureTerminal": "Departure Terminal",
        "arrivalGate": "Arrival Gate",
        "arrivalTerminal": "Arrival Terminal",
        "boardingTime": "Boarding Time",
        "departureTime": "Departure Time",
        "arrivalTime": "Arrival Time",
        "actualDepartureTime": "Actual Departure Time",
        "actualArrivalTime": "Actual Arrival Time",
        "flightStatus": "Flight Status",
        "boardingPolicy": "Boarding Policy",
        "seatingPolicy": "Seating Policy",
    },
    always=("arrivalGate",),
    choices={
        "flightStatus": frozenset({"active", "cancelled", "landed", "redirected", "scheduled"}),
        "boardingPolicy": frozenset({"boardingPolicyOther", "groupBased", "zoneBased"}),
        "seatingPolicy": frozenset({"cabinBased", "classBased", "seatClassPolicyOther", "tierBased"}),
    },
    times=frozenset(
        {"boardingTime", "departureTime", "arrivalTime", "actualDepartureTime", "actualArrivalTime"}
    ),
    semantics=flight_semantics,
    created_status=200,
)
EVENT = Kind(
    name="event",
    title="Event",
    id_key="eventId",
    external_key="eventExternalId",
    group_item_key="eventTicketId",
    group_list_key="events",
    required=("eventName", "venueTitle", "venueAddress"),
    labels={
        "eventName": "Event",
        "venueTitle": "Venue",
        "venueAddress": "Address",
        "doorsOpen": "Doors Open",
        "startTime": "Start Time",
        "endTime": "End Time",
    },
    times=frozenset({"doorsOpen", "startTime", "endTime"}),
    semantics=event_semantics,
)
