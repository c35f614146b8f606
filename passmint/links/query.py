"""What a visit's query sets on the pass it makes: the reserved parameters (``barcode``, ``tags``,
``exid``, ``lat``/``long``...) and any of the template's fields or headers by name."""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from passmint.links.errors import LinkInvalid
from passmint.models import AdaptiveLink

RESERVED = frozenset({"barcode", "barcodeAltText", "tags", "exid", "lat", "long", "deviceType", "ids"})
APPLE_MAX_LOCATIONS = 10
DEFAULT_RADIUS_MILES = 10
EARTH_RADIUS_MILES = 3958.8


@dataclass(frozen=True)
class Overrides:
    """What a visit's query sets on the pass it makes."""

    changes: dict[str, Any]
    external_id: str | None
    tags: list[str]
    position: tuple[float, float] | None

    @property
    def personal(self) -> bool:
        return bool(self.changes["fields"] or self.changes["headers"] or self.external_id or self.tags)


def overrides(link: AdaptiveLink, design: Mapping[str, Any], query: Mapping[str, str]) -> Overrides:
    """The values a visit's query sets: the reserved parameters, and any of the template's fields or
    headers by name (other parameters, ``utm_source`` say, are left alone); base64-encoded when the
    link says so."""
    decode = link.parameter_encoding == "base64"
    design_fields = design.get("fields", {})
    design_headers = design.get("headers", {})
    fields: dict[str, Any] = {}
    headers: dict[str, Any] = {}
    for name, raw in query.items():
        if name in RESERVED or (name not in design_fields and name not in design_headers):
            continue
        (fields if name in design_fields else headers)[name] = {"value": _text(name, raw, decode)}
    if "barcode" in query:
        barcode = _text("barcode", query["barcode"], decode)
        headers["barcode_value"] = {"value": barcode}
        headers["barcodeAltText"] = {"value": barcode}
    if "barcodeAltText" in query:
        headers["barcodeAltText"] = {"value": _text("barcodeAltText", query["barcodeAltText"], decode)}
    external_id = _text("exid", query["exid"], decode) if query.get("exid") else None
    tags = [tag for tag in _text("tags", query.get("tags", ""), decode).split("~") if tag.strip()]
    return Overrides({"fields": fields, "headers": headers}, external_id, tags, _position(query))


def _text(name: str, raw: str, decode: bool) -> str:
    if not decode:
        return raw
    try:
        padded = raw.replace("-", "+").replace("_", "/") + "=" * (-len(raw) % 4)
        return base64.b64decode(padded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid(name, "is not base64 (the link's parameterEncoding) of UTF-8 text") from None


def _position(query: Mapping[str, str]) -> tuple[float, float] | None:
    if "lat" not in query and "long" not in query:
        return None
    try:
        latitude, longitude = float(query["lat"]), float(query["long"])
    except (KeyError, ValueError):
        raise invalid("lat", "lat and long must both be numbers") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise invalid("lat", "lat must be within ±90 and long within ±180")
    return latitude, longitude


def nearest(link: AdaptiveLink, position: tuple[float, float] | None) -> list[dict[str, object]] | None:
    """The link's locations a pass gets: those within ``locationRadius`` of the visitor's position,
    nearest first, at most ``maxResultLocations`` (and Apple's 10); the first ones without a position."""
    if not link.locations:
        return None
    most = min(link.max_result_locations or APPLE_MAX_LOCATIONS, APPLE_MAX_LOCATIONS)
    if position is None:
        return [dict(place) for place in link.locations[:most]]
    radius = DEFAULT_RADIUS_MILES if link.location_radius is None else link.location_radius
    distances = [(_miles(position, place), index) for index, place in enumerate(link.locations)]
    near = sorted((d, i) for d, i in distances if d <= radius)
    return [dict(link.locations[index]) for _, index in near[:most]]


def _miles(position: tuple[float, float], place: Mapping[str, Any]) -> float:
    """Great-circle distance (haversine) from ``position`` to a location, in miles."""
    lat1, lon1 = map(math.radians, position)
    lat2, lon2 = math.radians(float(place["latitude"])), math.radians(float(place["longitude"]))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def invalid(field: str, message: str) -> LinkInvalid:
    return LinkInvalid(
        f"{field}: {message}", details=[{"field": field, "location": "query", "message": message}]
    )
