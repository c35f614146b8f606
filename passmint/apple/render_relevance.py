"""Beacons, locations, nfc and semantics of a pass (its own, else its template's): written and checked."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from passmint.apple.errors import PassValidationError, Problem
from passmint.apple.passjson import validate_pass_json
from passmint.apple.passrules import MAX_BEACONS, MAX_LOCATIONS
from passmint.apple.render_fields import problem
from passmint.apple.render_values import as_number, given, mapping

NFC_MESSAGE_BYTES = 64
# A minimal valid pass.json, to check a pass's nfc with Apple's rules before the pass is stored.
_NFC_PROBE = dict(
    formatVersion=1,
    passTypeIdentifier="pass.probe",
    serialNumber="probe",
    teamIdentifier="probe",
    organizationName="probe",
    description="probe",
    generic={},
)
MESSAGES = {
    "list": "must be a list",
    "too_many": "has {count} entries; Apple allows at most {limit} on a pass",
    "uuid": "must be a UUID such as E2C56DB5-DFFB-48D2-B060-D0F5A71096E0",
    "uint16": "must be a whole number from 0 to 65535",
    "coordinate": "must be a number from -{limit} to {limit}",
}


def relevance(design: Mapping[str, object], values: Mapping[str, object]) -> dict[str, object]:
    """Beacons, locations, nfc and semantics: the pass's when it has them, else the template's."""
    out: dict[str, object] = {}
    if beacons := [_beacon(mapping(item)) for item in _listed(design, values, "beacons")]:
        out["beacons"] = beacons
    if locations := [_location(mapping(item)) for item in _listed(design, values, "locations")]:
        out["locations"] = locations
    if nfc := mapping(values.get("nfc")) or mapping(design.get("nfc")):
        out["nfc"] = _nfc(nfc)
    if semantics := mapping(values.get("semantics")) or mapping(design.get("semantics")):
        out["semantics"] = dict(semantics)
    return out


def _nfc(nfc: Mapping[str, object]) -> dict[str, object]:
    """nfc as given, its message cut to Apple's 64 bytes of UTF-8 (the reference: "longer is truncated")."""
    out = dict(nfc)
    if isinstance(message := out.get("message"), str):
        out["message"] = message.encode("utf-8")[:NFC_MESSAGE_BYTES].decode("utf-8", "ignore")
    return out


def nfc_problems(values: Mapping[str, object]) -> list[Problem]:
    """The pass's nfc checked by the pass.json validator itself, so a stored pass can always be built."""
    nfc = values.get("nfc")
    try:
        validate_pass_json({**_NFC_PROBE, "nfc": _nfc(nfc) if isinstance(nfc, Mapping) else nfc})
    except PassValidationError as error:
        return [found for found in error.problems if found["field"].startswith("nfc")]
    return []


def _listed(design: Mapping[str, object], values: Mapping[str, object], key: str) -> list[object]:
    chosen = design.get(key) if values.get(key) is None else values.get(key)
    return list(chosen) if isinstance(chosen, list) else []


def _beacon(item: Mapping[str, object]) -> dict[str, object]:
    beacon: dict[str, object] = {"proximityUUID": item.get("uuid")}
    beacon.update({key: item[key] for key in ("major", "minor") if item.get(key) is not None})
    if relevant_text := given(item.get("relevantText")):
        beacon["relevantText"] = relevant_text
    return beacon


def _location(item: Mapping[str, object]) -> dict[str, object]:
    location: dict[str, object] = {}
    for key in ("latitude", "longitude", "altitude"):
        number = as_number(item.get(key))
        if number is not None or key != "altitude":
            location[key] = item.get(key) if number is None else float(number)
    if relevant_text := given(item.get("relevantText")):
        location["relevantText"] = relevant_text
    return location


def place_problems(source: Mapping[str, object]) -> list[Problem]:
    """Problems with the beacons and locations of a template or a pass."""
    problems: list[Problem] = []
    for key, limit in (("beacons", MAX_BEACONS), ("locations", MAX_LOCATIONS)):
        items = source.get(key)
        if items is not None and not isinstance(items, list):
            problems.append(problem(key, "list", MESSAGES))
        elif items and len(items) > limit:
            problems.append(problem(key, "too_many", MESSAGES, count=len(items), limit=limit))
        for index, item in enumerate(items if isinstance(items, list) else []):
            check = _beacon_problems if key == "beacons" else _location_problems
            problems.extend(check(mapping(item), f"{key}[{index}]"))
    return problems


def _beacon_problems(beacon: Mapping[str, object], path: str) -> list[Problem]:
    problems: list[Problem] = []
    try:
        uuid.UUID(str(beacon.get("uuid")))
    except ValueError:
        problems.append(problem(f"{path}.uuid", "uuid", MESSAGES))
    for key in ("major", "minor"):
        value = beacon.get(key)
        if value is not None and not (type(value) is int and 0 <= value <= 65535):
            problems.append(problem(f"{path}.{key}", "uint16", MESSAGES))
    return problems


def _location_problems(location: Mapping[str, object], path: str) -> list[Problem]:
    problems: list[Problem] = []
    for key, limit in (("latitude", 90), ("longitude", 180)):
        number = as_number(location.get(key))
        if number is None or abs(number) > limit:
            problems.append(problem(f"{path}.{key}", "coordinate", MESSAGES, limit=limit))
    return problems
