"""A pass with a public link, as the landing page tests read it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import apple_template, create_pass, create_project, create_template, data_url, png

DESKTOP = {
    "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0",
}


def landing_template(barcode_type: str = "pdf417", **colours: str) -> dict[str, Any]:
    """The reference's Apple template with a strip image, a barcode of ``barcode_type`` and, if given,
    other colours (``background_color="rgb(0,0,0)"``...)."""
    body = apple_template()
    for name, value in colours.items():
        body["headers"][name] = {"formatType": 1, "fieldType": "topLevel", "value": value}
    body["headers"]["strip_image"] = {
        "formatType": 1,
        "fieldType": "image",
        "value": data_url(png(320, 123, (20, 60, 120))),
    }
    body["headers"]["barcode_type"] = {"formatType": 1, "fieldType": "barcode", "value": barcode_type}
    body["headers"]["barcodeAltText"] = {"formatType": 1, "fieldType": "barcode", "value": "Member M-1"}
    return body


async def make_pass(
    api: httpx.AsyncClient, barcode_type: str = "pdf417", message: str = "M-1", **colours: str
) -> dict[str, Any]:
    project = await create_project(api)
    template_id = await create_template(api, project["id"], landing_template(barcode_type, **colours))
    return await create_pass(api, template_id, {"headers": {"barcode_value": {"value": message}}})


@pytest.fixture
async def public_pass(api: httpx.AsyncClient) -> dict[str, Any]:
    return await make_pass(api)


def public_path(created: dict[str, Any]) -> str:
    return str(created["publicUrl"]["path"]).removeprefix("http://localhost")
