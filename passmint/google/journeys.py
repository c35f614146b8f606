"""A flight's or an event's fields (the flights and events APIs) as Google's flight and event classes.

Google keeps what a flight or an event shares on the class (carrier, number, airports, gates, times;
event name, venue, start), so a pass showing a journey belongs to a class of its own journey
(``ids.journey_class_id``): a gate change is one class update that every holder sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from passmint.google.modules import localized

STATUSES = frozenset({"scheduled", "active", "landed", "cancelled", "redirected"})
FLIGHT_REQUIRED = ("flightNumber", "airlineCode", "departureAirport", "arrivalAirport", "departureTime")
_TIMES = {
    "boardingTime": "localBoardingDateTime",
    "departureTime": "localScheduledDepartureDateTime",
    "arrivalTime": "localScheduledArrivalDateTime",
    "actualDepartureTime": "localEstimatedOrActualDepartureDateTime",
    "actualArrivalTime": "localEstimatedOrActualArrivalDateTime",
}


def is_flight(journey: Mapping[str, str]) -> bool:
    """Whether a flight's fields fill what Google's flight class requires."""
    return all(journey.get(name) for name in FLIGHT_REQUIRED)


def flight_class(journey: Mapping[str, str], logo: dict[str, Any]) -> dict[str, Any]:
    """The flight-level members of a ``flightClass`` from a flight's field values."""
    carrier: dict[str, Any] = {"carrierIataCode": journey["airlineCode"], "airlineLogo": logo}
    if name := journey.get("airlineName"):
        carrier["airlineName"] = localized(name)
    body: dict[str, Any] = {
        "flightHeader": {"carrier": carrier, "flightNumber": journey["flightNumber"]},
        "origin": _airport(journey, "departure"),
        "destination": _airport(journey, "arrival"),
    }
    for field, key in _TIMES.items():
        if value := journey.get(field):
            body[key] = _local(value)
    if (status := journey.get("flightStatus", "")) in STATUSES:
        body["flightStatus"] = status.upper()
    return body


def event_class(journey: Mapping[str, str]) -> dict[str, Any]:
    """The event-level members of an ``eventTicketClass`` from an event's field values."""
    body: dict[str, Any] = {}
    if name := journey.get("eventName"):
        body["eventName"] = localized(name)
    venue = {
        key: localized(journey[field])
        for key, field in (("name", "venueTitle"), ("address", "venueAddress"))
        if journey.get(field)
    }
    if venue:
        body["venue"] = venue
    times = {
        key: journey[field]
        for key, field in (("doorsOpen", "doorsOpen"), ("start", "startTime"), ("end", "endTime"))
        if journey.get(field)
    }
    if times:
        body["dateTime"] = times
    return body


def _airport(journey: Mapping[str, str], side: str) -> dict[str, Any]:
    airport: dict[str, Any] = {"airportIataCode": journey[f"{side}Airport"]}
    for suffix, key in (("Gate", "gate"), ("Terminal", "terminal")):
        if value := journey.get(f"{side}{suffix}"):
            airport[key] = value
    return airport


def _local(value: str) -> str:
    """The local date and time of an ISO 8601 value (Google's ``local...DateTime`` take no offset)."""
    return value[:19]
