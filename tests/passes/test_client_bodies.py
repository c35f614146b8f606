"""Pass bodies as existing Airship clients send them: whole field objects, beacons without major/minor,
numbers as text; what the template decides cannot be changed by a pass (issue 11)."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import GOOGLE_TEMPLATE, apple_template, create_pass, create_project, create_template
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


async def test_list_items_carry_their_platform(api: httpx.AsyncClient, template_id: int) -> None:
    project = await create_project(api, "/v1/project", name="Google")
    google = await create_template(api, project["id"], GOOGLE_TEMPLATE)
    apple_pass, google_pass = await create_pass(api, template_id), await create_pass(api, google)
    listed = {item["id"]: item for item in (await api.get("/v1/pass")).json()["passes"]}
    assert listed[apple_pass["id"]]["platform"] == "ios"
    assert listed[google_pass["id"]]["platform"] == "android"


async def test_public_url_carries_used_and_installs(api: httpx.AsyncClient, template_id: int) -> None:
    created = await create_pass(api, template_id)
    assert created["publicUrl"] | {"path": ""} == {
        "type": "multiple",
        "path": "",
        "used": False,
        "installs": 0,
    }


async def test_update_by_external_id_reaches_every_pass_with_it(
    api: httpx.AsyncClient, template_id: int
) -> None:
    other = await create_template(api, (await create_project(api))["id"])
    for template in (template_id, other):
        await api.post(f"/v1/pass/template/{template}/id/shared", json={})
    response = await api.put("/v1/pass/id/shared", json={"fields": {"Coupon": {"value": "5%"}}})
    assert response.status_code == 200
    ticket = (await api.get(f"/v1/ticket/{response.json()['ticketId']}")).json()
    assert ticket["total"] == 2
    for template in (template_id, other):
        found = (await api.get(f"/v1/pass/template/{template}/id/shared")).json()
        assert found["fields"]["Coupon"]["value"] == "5%"
    missing = await api.put("/v1/pass/id/nobody", json={"fields": {"Coupon": {"value": "5%"}}})
    assert missing.status_code == 404


async def test_one_pass_by_ids_is_a_pkpass_several_a_pkpasses(
    api: httpx.AsyncClient, template_id: int
) -> None:
    first = await create_pass(api, template_id, {"tags": []})
    await api.post(f"/v1/pass/template/{template_id}/id/second", json={})
    one = await api.get("/v1/pass/download", params={"passIds": str(first["id"])})
    assert one.status_code == 200 and one.headers["content-type"] == "application/vnd.apple.pkpass"
    by_external_id = await api.get(f"/v1/pass/template/{template_id}/download", params={"exids": "second"})
    assert by_external_id.headers["content-type"] == "application/vnd.apple.pkpass"
    listed = (await api.get("/v1/pass")).json()["passes"]
    ids = ",".join(str(item["id"]) for item in listed)
    several = await api.get("/v1/pass/download", params={"passIds": ids})
    assert several.headers["content-type"] == "application/vnd.apple.pkpasses"


async def test_what_a_get_returned_can_be_sent_back(api: httpx.AsyncClient, template_id: int) -> None:
    headers = {"barcode_value": {"value": "M-1"}, "barcode_type": {"value": "QR_CODE"}}
    body = {"headers": headers, "tags": ["a"], "beacons": [{"uuid": UUID}]}
    made = (await api.post(f"/v1/pass/template/{template_id}/id/mine", json=body)).json()
    fetched = (await api.get(f"/v1/pass/{made['id']}")).json()
    assert (
        fetched["externalId"] == "mine" and fetched["headers"]["barcode_type"]["value"] == "PKBarcodeFormatQR"
    )
    assert (await api.put(f"/v1/pass/{made['id']}", json=fetched)).status_code == 200
    assert (await api.put(f"/v1/pass/template/{template_id}/id/mine", json=made)).status_code == 200
    again = (await api.get(f"/v1/pass/{made['id']}")).json()
    assert again["headers"] == fetched["headers"] and again["fields"] == fetched["fields"]
