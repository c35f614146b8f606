"""The reference's Google example bodies (L2209, L4467, L19873, L19981), read from the reference itself, as
templates and passes of every Google vertical; image URLs become ``data:`` images (no network)."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from tests.conformance.reference import find_reference
from tests.factories import data_url, png

IMAGE_URL = re.compile(r"^https?://\S+\.(png|jpe?g)$", re.IGNORECASE)
V1_CREATE, V2_TEMPLATE, PASS_REQUEST, PASS_RESPONSE = 2209, 4467, 19873, 19981
READ_ONLY = {"id", "createdAt", "updatedAt", "projectId", "deleted", "disabled", "locations", "vendorId"}


@cache
def reference_body(line: int) -> Any:
    """The JSON document that starts on or after line ``line`` of the reference."""
    path = find_reference(Path(__file__))
    assert path is not None, "the reference (shared/spec/003…) must be beside the repository"
    lines = path.read_text(encoding="utf-8").split("\n")
    text = "\n".join(lines[line - 1 :])
    start = text.index("{")
    document, _ = json.JSONDecoder().raw_decode(text[start:])
    return document


def offline(value: Any) -> Any:
    """``value`` with every image URL replaced by a ``data:`` image."""
    if isinstance(value, dict):
        return {key: offline(item) for key, item in value.items()}
    if isinstance(value, list):
        return [offline(item) for item in value]
    if isinstance(value, str) and IMAGE_URL.match(value):
        return data_url(png(60, 60))
    return value


def v1_template(project_type: str = "memberCard", **fields: dict[str, Any]) -> dict[str, Any]:
    """L2209's "Adding Google" template, for ``project_type``, with extra text fields."""
    body = offline(copy.deepcopy(reference_body(V1_CREATE)))
    body["projectType"] = project_type
    if fields:
        body["textModulesData"] |= fields
    return body  # type: ignore[no-any-return]


def v2_template() -> dict[str, Any]:
    """L4467's "Member Card Android" (a v2 document), as the payload format creates it."""
    document = offline(copy.deepcopy(reference_body(V2_TEMPLATE)))
    return {key: value for key, value in document.items() if key not in READ_ONLY}


def coupon_template() -> dict[str, Any]:
    """The template behind L19981's Google pass response (a coupon), in the v1 module format."""
    answer = offline(copy.deepcopy(reference_body(PASS_RESPONSE)))
    fields = answer["fields"]
    modules: dict[str, dict[str, Any]] = {"titleModule": {}, "textModulesData": {}, "linksModuleData": {}}
    modules["offerModule"] = fields.pop("offerModule")
    image = fields.pop("image")
    logo = {"image": image["title.string"], "imageDescription": image["description.string"]}
    modules["titleModule"] |= logo
    title = fields.pop("Coupon Title")
    coupon_title = {"label": title["title.string"], "value": title["description.string"]}
    coupon_title |= {"row": title["row"], "col": title["col"]}
    modules["titleModule"]["Coupon Title"] = coupon_title
    picture = fields.pop("imageModulesData")
    modules["imageModulesData"] = {
        "Hero": {"image": picture["image"], "imageDescription": picture["imageDescription"]}
    }
    for name, field in fields.items():
        kept = {key: value for key, value in field.items() if key not in ("fieldType", "ignoresTimeZone")}
        modules[field["fieldType"]][name] = kept
    headers = {name: {"value": header["value"]} for name, header in answer["headers"].items()}
    headers |= {"barcode_type": {"value": "qr"}, "barcode_value": {"value": "coupon-1"}}
    base = {"vendor": "Google", "type": "Coupon", "name": "Domino's", "description": "Coupon"}
    return base | {"projectType": "coupon", "headers": headers} | modules


def pass_request() -> dict[str, Any]:
    """L19873's Google pass request."""
    return copy.deepcopy(reference_body(PASS_REQUEST))  # type: ignore[no-any-return]


FLIGHT_FIELDS = {
    "Origin": {"header": "From", "body": "SFO"},
    "Destination": {"header": "To", "body": "JFK"},
    "Carrier": {"header": "Airline", "body": "UA"},
    "Flight Number": {"header": "Flight", "body": "1234"},
    "Departure": {"header": "Departs", "body": "2027-03-05T06:30:00"},
    "Passenger Name": {"header": "Passenger", "body": "Henry Christian"},
}


def trimmed(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` without its text and info fields (module options kept): a pass small enough that its
    whole object fits a save link."""
    body = copy.deepcopy(body)
    for module in ("textModulesData", "infoModuleData"):
        if isinstance(body.get(module), dict):
            body[module] = {
                key: value
                for key, value in body[module].items()
                if not isinstance(value, dict) or key in FLIGHT_FIELDS
            }
    if "fields" in body:
        body["fields"] = {
            name: field for name, field in body["fields"].items() if field["fieldType"] != "textModulesData"
        }
    return body
