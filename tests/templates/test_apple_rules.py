"""Apple's rules are written once (``passmint.apple``): what a template's check accepts is what the
renderer reads, for colours, barcode types and transit types, in every spelling either accepted."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import apple_template, create_pass, create_project


async def pass_json(api: httpx.AsyncClient, template: dict[str, Any], **project: Any) -> dict[str, Any]:
    """The pass.json of a pass of a new template made from ``template``."""
    project_id = (await create_project(api, **project))["id"]
    created = await api.post(f"/v1/template/{project_id}", json=template)
    assert created.status_code == 200, created.text
    pass_id = (await create_pass(api, created.json()["templateId"]))["id"]
    response = await api.get(f"/v1/pass/{pass_id}/viewJSONPass")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("written", "rendered"),
    [
        ("rgb(1, 2, 3)", "rgb(1,2,3)"),
        ("#0A0B0C", "rgb(10,11,12)"),
        ("#abc", "rgb(170,187,204)"),
        (" RGB( 4 ,5, 6 ) ", "rgb(4,5,6)"),
    ],
)
async def test_a_colour_the_renderer_reads_is_a_colour_of_a_template(
    api: httpx.AsyncClient, written: str, rendered: str
) -> None:
    template = apple_template()
    template["headers"]["background_color"] = {"value": written}
    assert (await pass_json(api, template))["backgroundColor"] == rendered


@pytest.mark.parametrize("written", ["rgb(256, 0, 0)", "red", "#abcd"])
async def test_a_colour_the_renderer_cannot_read_is_refused(api: httpx.AsyncClient, written: str) -> None:
    project_id = (await create_project(api))["id"]
    template = apple_template()
    template["headers"]["background_color"] = {"value": written}
    response = await api.post(f"/v1/template/{project_id}", json=template)
    assert response.status_code == 400, response.text
    fields = {detail["field"] for detail in response.json()["details"]}
    assert fields & {"headers.background_color", "headers.background_color.value"}, fields


@pytest.mark.parametrize("written", ["PKTransitTypeTrain", "transitTypeTrain", "train"])
async def test_a_transit_type_the_renderer_reads_is_a_transit_type_of_a_template(
    api: httpx.AsyncClient, written: str
) -> None:
    template = apple_template(projectType="boardingPass")
    template["headers"]["transitType"] = {"value": written}
    rendered = await pass_json(api, template, projectType="boardingPass")
    assert rendered["boardingPass"]["transitType"] == "PKTransitTypeTrain"


@pytest.mark.parametrize(
    ("written", "rendered"),
    [
        ("QR_CODE", "PKBarcodeFormatQR"),
        ("qrcode", "PKBarcodeFormatQR"),
        ("PKBarcodeFormatAztec", "PKBarcodeFormatAztec"),
    ],
)
async def test_a_barcode_type_reads_the_same_in_the_template_and_the_pass(
    api: httpx.AsyncClient, written: str, rendered: str
) -> None:
    template = apple_template()
    template["headers"] |= {"barcode_type": {"value": written}, "barcode_value": {"value": "123"}}
    assert (await pass_json(api, template))["barcodes"][0]["format"] == rendered
