"""Pass bodies as existing Airship clients send them: whole field objects, beacons without major/minor,
numbers as text; what the template decides cannot be changed by a pass (issue 11)."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import apple_template, create_pass, create_project, create_template
from tests.passes.conftest import Verify, pass_json

UUID = "55502220-A123-A88A-F321-555A444B333C"


@pytest.fixture
async def points_template(api: httpx.AsyncClient) -> int:
    body = apple_template()
    body["fields"]["Points"] = {"fieldType": "back", "formatType": "Number", "value": 0, "label": "Points"}
    return await create_template(api, (await create_project(api))["id"], body)


async def test_whole_field_objects_are_read(api: httpx.AsyncClient, template_id: int, verify: Verify) -> None:
    """A client sends back the field objects a GET returned, with its own value, label and alignment."""
    template = (await api.get(f"/v1/templates/{template_id}")).json()
    mine = {"value": "35%", "label": "today", "textAlignment": "textAlignmentLeft"}
    coupon = template["fields"]["Coupon"] | mine | {"numberStyle": "numberStyleDecimal", "order": 9}
    headers = {"barcode_value": {"value": "M-9", "formatType": "String", "fieldType": "barcode", "label": ""}}
    created = await create_pass(api, template_id, {"fields": {"Coupon": coupon}, "headers": headers})
    assert created["fields"]["Coupon"]["value"] == "35%" and created["fields"]["Coupon"]["order"] == 1
    document = pass_json(verify((await api.get(f"/v1/pass/{created['id']}/download")).content))
    primary = document["storeCard"]["primaryFields"][0]
    assert (primary["value"], primary["label"], primary["textAlignment"]) == (
        "35%",
        "today",
        "PKTextAlignmentLeft",
    )
    assert document["barcodes"][0]["message"] == "M-9"


@pytest.mark.parametrize(
    ("field", "key", "value"),
    [("Coupon", "fieldType", "back"), ("Coupon", "formatType", "Number"), ("Coupon", "textAlignment", "up")],
)
async def test_what_only_the_template_decides_cannot_differ(
    api: httpx.AsyncClient, template_id: int, field: str, key: str, value: str
) -> None:
    response = await api.post(f"/v1/pass/{template_id}", json={"fields": {field: {"value": "1", key: value}}})
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == f"fields.{field}.{key}"


async def test_a_numeric_string_in_a_number_field_is_a_number(
    api: httpx.AsyncClient, points_template: int
) -> None:
    created = await create_pass(api, points_template, {"fields": {"Points": {"value": "100"}}})
    assert created["fields"]["Points"]["value"] == 100
    document = (await api.get(f"/v1/pass/{created['id']}/viewJSONPass")).json()
    back = {item["key"]: item for item in document["storeCard"]["backFields"]}
    assert back["Points"]["value"] == 100
    refused = await api.post(f"/v1/pass/{points_template}", json={"fields": {"Points": {"value": "1OO"}}})
    assert refused.status_code == 400 and refused.json()["details"][0]["field"] == "fields.Points.value"


async def test_beacons_without_major_and_minor(
    api: httpx.AsyncClient, template_id: int, verify: Verify
) -> None:
    beacons = [{"uuid": UUID, "relevantText": "Near"}, {"uuid": UUID, "major": 1, "minor": 777}]
    created = await create_pass(api, template_id, {"beacons": beacons})
    document = pass_json(verify((await api.get(f"/v1/pass/{created['id']}/download")).content))
    assert document["beacons"][0] == {"proximityUUID": UUID, "relevantText": "Near"}
    assert document["beacons"][1]["minor"] == 777


@pytest.mark.parametrize("beacon", [{"uuid": UUID, "major": 65536}, {"uuid": "near", "minor": 1}])
async def test_a_beacon_that_is_not_one_is_refused(
    api: httpx.AsyncClient, template_id: int, beacon: dict[str, object]
) -> None:
    response = await api.post(f"/v1/pass/{template_id}", json={"beacons": [beacon]})
    assert response.status_code == 400 and response.json()["details"][0]["field"].startswith("beacons.0.")


async def test_public_url_spelled_as_in_the_dynamic_example(api: httpx.AsyncClient, template_id: int) -> None:
    created = await create_pass(api, template_id, {"publicURL": {"type": "single"}})
    assert created["publicUrl"]["type"] == "single"
    response = await api.post(f"/v1/pass/{template_id}", json={"publicURL": {"type": "twice"}})
    assert response.status_code == 400
