"""The pure Google engine: modules into slots, colours, links, points, the JWT's payload and length."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from passmint.google import make_development_account, savelinks
from passmint.google.modules import as_uri, balance, read_modules, safe_id
from passmint.google.objects import google_class_body, google_object
from passmint.google.sources import ClassSource, Design, ObjectSource, hex_colour
from tests.support import google_schema

LOGO = "https://passes.example/images/logo.png"


def source(project_type: str, fields: dict[str, Any], headers: dict[str, Any] | None = None) -> ClassSource:
    design = Design(headers or {}, fields)
    return ClassSource("1.t1", project_type, "Shop", "Card", design, {}, LOGO)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("rgb(0, 150, 225)", "#0096e1"), ("#0096E1", "#0096e1"), ("#abc", "#aabbcc"), ("blue", None)],
)
def test_colours_are_hex(given: str, expected: str | None) -> None:
    assert hex_colour(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("www.metro.com.sg", "https://www.metro.com.sg"),
        ("tel:+15551234", "tel:+15551234"),
        ("Merchant Website", None),
    ],
)
def test_links_get_a_scheme(given: str, expected: str | None) -> None:
    assert as_uri(given) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234, {"int": 1234}), ("3600", {"int": 3600}), (2.5, {"double": 2.5}), ("Gold", {"string": "Gold"})],
)
def test_points_balances(value: object, expected: dict[str, Any]) -> None:
    assert balance({"value": value}) == expected


def test_module_ids_are_safe() -> None:
    assert safe_id("Program Details") == "Program_Details" and safe_id("Über!") == "_ber_"


def test_points_and_accounts_take_slots_by_order_then_col() -> None:
    fields = {
        "B": {"fieldType": "pointsModule", "label": "B", "value": 2, "col": 1},
        "A": {"fieldType": "pointsModule", "label": "A", "value": 1, "col": 0},
        "C": {"fieldType": "pointsModule", "label": "C", "value": 3, "col": 2},
        "Second": {"fieldType": "acctModule", "label": "Level", "value": "Gold", "order": 2},
        "First": {"fieldType": "acctModule", "label": "Name", "value": "Ann", "order": 1},
    }
    template = source("loyalty", fields)
    body = google_object(ObjectSource("1.p1", template, template.design, {}))
    assert body["loyaltyPoints"]["label"] == "A" and body["secondaryLoyaltyPoints"]["label"] == "B"
    assert body["textModulesData"] == [{"id": "C", "header": "C", "body": "3"}]
    assert body["accountName"] == "Ann" and body["accountId"] == "Gold"
    assert google_class_body(template)["accountIdLabel"] == "Level"
    google_schema.check("loyaltyObject", body)


def test_a_voided_pass_is_inactive_and_places_become_merchant_locations() -> None:
    template = source("generic", {}, {"header": {"value": "Hello"}})
    places = [{"latitude": 37.6, "longitude": -122.3, "relevantText": "Hi"}]
    body = google_object(ObjectSource("1.p1", template, template.design, {}, voided=True, locations=places))
    assert body["state"] == "INACTIVE" and body["merchantLocations"] == [
        {"latitude": 37.6, "longitude": -122.3}
    ]
    assert body["header"]["defaultValue"]["value"] == "Hello"
    assert body["logo"]["sourceUri"]["uri"] == LOGO  # passmint's plain logo when the design has none
    google_schema.check("genericObject", body)


def test_read_modules_order_text_by_row_then_col() -> None:
    fields = {
        "Late": {"fieldType": "textModulesData", "header": "L", "body": "l", "row": 1, "col": 0},
        "Right": {"fieldType": "infoModuleData", "label": "R", "value": "r", "row": 0, "col": 1},
        "Left": {"fieldType": "textModulesData", "header": "E", "body": "e", "row": 0, "col": 0},
    }
    assert [text["id"] for text in read_modules(fields, {}).texts] == ["Left", "Right", "Late"]


def test_the_save_jwt_carries_the_objects_and_states_its_length() -> None:
    account = make_development_account("42")
    objects = [("offerObject", {"id": "42.p1", "classId": "42.t1", "state": "ACTIVE"})]
    token = savelinks.save_jwt(account, objects, origins=["https://shop.example"], issued_at=1)
    claims = jwt.decode(token, account.private_key.public_key(), algorithms=["RS256"], audience="google")
    assert claims["payload"] == {"offerObjects": [objects[0][1]]}
    assert claims["origins"] == ["https://shop.example"] and claims["iat"] == 1
    assert savelinks.fits(token) and not savelinks.fits("x" * 1801)
    assert savelinks.ids_only(objects) == [("offerObject", {"id": "42.p1"})]
    assert savelinks.payload([], [("offerClass", {"id": "42.t1"})]) == {"offerClasses": [{"id": "42.t1"}]}
