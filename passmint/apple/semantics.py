"""Apple's semantic tags of boarding passes and event tickets: completed from a flight's or an event's
fields, and checked as Apple defines them (PassKit "SemanticTags").

Pure. ``flight_semantics`` and ``event_semantics`` take the fields written now and the tags stored
before, and return the tags to store: a tag sent in ``semantics`` wins; else a tag that a written field
gives (``departureGate`` -> ``departureGate``, ``boardingTime`` -> ``currentBoardingDate``...) replaces the
stored one, so a gate change reaches the tags; ``original*`` dates are set once, from the first value.
A time without an offset is read in the time zone of its place (``departureLocationTimeZone`` for
boarding and departure, ``destinationLocationTimeZone`` for arrival), else as UTC. ``problems`` checks
the tags Apple types; tags it does not know are passed on unchecked (Apple adds tags with iOS releases).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from passmint.apple.errors import Problem
from passmint.apple.render_values import parse_when, parse_zone, w3c

SPELLINGS = {
    "departureAirportLocation": "departureLocation",
    "destinationAirportLocation": "destinationLocation",
}
"""The reference's example keys, written as Apple's."""
_OFFSET = re.compile(r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$")
_AIRPORT = re.compile(r"[A-Z]{3}")
_AIRLINE = re.compile(r"[A-Z0-9]{2,3}")
EVENT_TYPES = frozenset(
    {
        "PKEventTypeGeneric",
        "PKEventTypeLivePerformance",
        "PKEventTypeMovie",
        "PKEventTypeSports",
        "PKEventTypeConference",
        "PKEventTypeConvention",
        "PKEventTypeWorkshop",
        "PKEventTypeSocialGathering",
    }
)
# flight field -> (tag, time zone tag for its time, or None when it is not a time)
FLIGHT_TAGS: dict[str, tuple[str, str | None]] = {
    "airlineCode": ("airlineCode", None),
    "flightNumber": ("flightNumber", None),
    "departureAirport": ("departureAirportCode", None),
    "arrivalAirport": ("destinationAirportCode", None),
    "departureGate": ("departureGate", None),
    "departureTerminal": ("departureTerminal", None),
    "arrivalGate": ("destinationGate", None),
    "arrivalTerminal": ("destinationTerminal", None),
    "boardingTime": ("currentBoardingDate", "departureLocationTimeZone"),
    "departureTime": ("currentDepartureDate", "departureLocationTimeZone"),
    "actualDepartureTime": ("currentDepartureDate", "departureLocationTimeZone"),
    "arrivalTime": ("currentArrivalDate", "destinationLocationTimeZone"),
    "actualArrivalTime": ("currentArrivalDate", "destinationLocationTimeZone"),
}
EVENT_TAGS: dict[str, tuple[str, str | None]] = {
    "eventName": ("eventName", None),
    "venueTitle": ("venueName", None),
    "startTime": ("eventStartDate", None),
    "endTime": ("eventEndDate", None),
}
ORIGINALS = {
    "currentBoardingDate": "originalBoardingDate",
    "currentDepartureDate": "originalDepartureDate",
    "currentArrivalDate": "originalArrivalDate",
}
STRING_TAGS = frozenset(
    {
        "flightCode", "departureAirportName", "departureCityName", "departureGate",
        "departureTerminal", "destinationAirportName", "destinationCityName", "destinationGate",
        "destinationTerminal", "boardingGroup", "boardingSequenceNumber", "confirmationNumber",
        "transitStatus", "transitStatusReason", "transitProvider", "eventName", "venueName",
        "venueEntrance", "venuePhoneNumber", "venueRoom", "genre", "leagueName", "leagueAbbreviation",
        "homeTeamName", "homeTeamLocation", "homeTeamAbbreviation", "awayTeamName", "awayTeamLocation",
        "awayTeamAbbreviation", "sportName", "admissionLevel", "eventLiveMessage",
    }
)  # fmt: skip


def local_time(value: object, zone_name: object) -> str | None:
    """``value`` (ISO 8601) as Apple's date text; without an offset it is read in ``zone_name`` (an IANA
    zone), else as UTC. None when it is not a time."""
    parsed = parse_when(value)
    if parsed is None or not isinstance(value, str):
        return None
    moment: datetime = parsed[0]
    zone = parse_zone(zone_name)
    if not _OFFSET.search(value.strip()) and zone is not None:
        moment = moment.replace(tzinfo=zone)
    return w3c(moment)


def flight_semantics(
    written: Mapping[str, Any], sent: Mapping[str, Any] | None, stored: Mapping[str, Any]
) -> dict[str, Any]:
    """The tags a flight stores after a write of ``written`` fields and ``sent`` tags (see the module)."""
    return _complete(written, sent, stored, FLIGHT_TAGS)


def event_semantics(
    written: Mapping[str, Any], sent: Mapping[str, Any] | None, stored: Mapping[str, Any]
) -> dict[str, Any]:
    """The tags an event stores after a write (see the module)."""
    return _complete(written, sent, stored, EVENT_TAGS)


def _complete(
    written: Mapping[str, Any],
    sent: Mapping[str, Any] | None,
    stored: Mapping[str, Any],
    table: Mapping[str, tuple[str, str | None]],
) -> dict[str, Any]:
    explicit = {SPELLINGS.get(key, key): value for key, value in (sent or {}).items()}
    tags = {**stored, **explicit}
    for name, (tag, zone_tag) in table.items():
        value = _value(written.get(name))
        if tag in explicit or value in (None, ""):
            continue
        if name == "departureTime" and _value(written.get("actualDepartureTime")):
            continue
        if name == "arrivalTime" and _value(written.get("actualArrivalTime")):
            continue
        tags[tag] = _derived(tag, value, tags.get(zone_tag) if zone_tag else None)
        if (original := ORIGINALS.get(tag)) and original not in tags and not name.startswith("actual"):
            tags[original] = tags[tag]
    return tags


def _value(field: object) -> Any:
    return field.get("value") if isinstance(field, Mapping) else None


def _derived(tag: str, value: Any, zone: object) -> Any:
    if tag.endswith("Date"):
        return local_time(value, zone) or value
    if tag == "flightNumber" and isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def relevant_date(semantics: Mapping[str, Any]) -> str | None:
    """When the pass should rise on the lock screen: the (current) departure, else the event's start."""
    for tag in ("currentDepartureDate", "originalDepartureDate", "eventStartDate"):
        if isinstance(value := semantics.get(tag), str) and parse_when(value):
            return value
    return None


def problems(semantics: Mapping[str, Any], path: str = "semantics") -> list[Problem]:
    """What in ``semantics`` breaks Apple's definition of its tags."""
    found: list[Problem] = []
    for key, value in semantics.items():
        message = _check(key)(value)
        if message is not None:
            found.append({"field": f"{path}.{key}", "message": message})
    return found


def _check(key: str) -> Callable[[Any], str | None]:
    if key in STRING_TAGS:
        return _string
    if key.endswith("Date"):
        return _date
    if key.endswith("TimeZone"):
        return _zone
    if key.endswith("AirportCode"):
        return _airport
    if key.endswith("Location") and key not in ("homeTeamLocation", "awayTeamLocation"):
        return _location
    return {
        "airlineCode": airline_problem,
        "flightNumber": _number,
        "duration": _number,
        "eventType": _event_type,
        "silenceRequested": _boolean,
        "performerNames": _strings,
        "loungePlaceIDs": _strings,
        "artistIDs": _strings,
    }.get(key, _anything)


def _anything(_value: Any) -> str | None:
    return None


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _strings(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
    return None if ok else "must be an array of strings"


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _number(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return None if ok else "must be a number"


def _date(value: Any) -> str | None:
    ok = isinstance(value, str) and parse_when(value) is not None and _OFFSET.search(value.strip())
    return None if ok else "must be an ISO 8601 date and time with its offset (2025-03-19T20:30:00-07:00)"


def _zone(value: Any) -> str | None:
    return None if parse_zone(value) is not None else "must be an IANA time zone such as America/Los_Angeles"


def _airport(value: Any) -> str | None:
    ok = isinstance(value, str) and _AIRPORT.fullmatch(value)
    return None if ok else "must be a three-letter IATA airport code (SFO)"


def _event_type(value: Any) -> str | None:
    return None if value in EVENT_TYPES else "must be one of " + ", ".join(sorted(EVENT_TYPES))


def _location(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return "must be an object with latitude and longitude"
    for key, limit in (("latitude", 90), ("longitude", 180)):
        number = value.get(key)
        if isinstance(number, bool) or not isinstance(number, int | float) or abs(number) > limit:
            return f"needs a {key} from -{limit} to {limit}"
    return None


def airline_problem(value: Any) -> str | None:
    """Apple's airline code: the 2-character IATA code (or 3-letter ICAO)."""
    ok = isinstance(value, str) and _AIRLINE.fullmatch(value)
    return None if ok else "must be the airline's IATA code (two letters or digits, WN)"


def journey_values(
    values: Mapping[str, Any],
    design: Mapping[str, Any],
    fields: Mapping[str, Any],
    semantics: Mapping[str, Any],
) -> dict[str, Any]:
    """A pass's ``values`` as it shows a flight or an event: the journey's fields over the pass's own
    (times in their place's zone), its tags over the template's and the pass's, and, unless the
    template or the pass sets one, ``relevantDate`` from the departure or the start."""
    zones = {
        name: zone for name, (_tag, zone) in {**FLIGHT_TAGS, **EVENT_TAGS}.items() if zone or name in _TIMES
    }
    shown = dict(values.get("fields") or {})
    for name, field in fields.items():
        value = _value(field)
        if name in zones and (local := local_time(value, semantics.get(zones[name] or ""))):
            value = local
        shown[name] = {**({"label": field["label"]} if field.get("label") else {}), "value": value}
    headers = dict(values.get("headers") or {})
    relevant = relevant_date(semantics)
    if relevant and "relevantDate" not in headers and "relevantDate" not in (design.get("headers") or {}):
        headers["relevantDate"] = {"value": relevant}
    tags = {**(design.get("semantics") or {}), **(values.get("semantics") or {}), **semantics}
    return {**values, "fields": shown, "headers": headers, "semantics": tags}


_TIMES = frozenset({"doorsOpen", "startTime", "endTime"})


def normal_time(value: object) -> str | None:
    """A journey's time as stored: with seconds, and with its offset only when it was given one
    (2025-03-19T20:59 -> 2025-03-19T20:59:00). None when it is not an ISO 8601 time."""
    parsed = parse_when(value)
    if parsed is None or not isinstance(value, str):
        return None
    if _OFFSET.search(value.strip()):
        return w3c(parsed[0])
    return parsed[0].replace(tzinfo=None).isoformat(timespec="seconds")
