"""Texts of passes and templates are capped at ``MAX_TEXT``: a 400 naming the field, and nothing stored."""

from __future__ import annotations

import io
import random
from typing import Any

import httpx
import pytest
from PIL import Image

from passmint.kit.limits import MAX_TEXT
from tests.factories import apple_template, create_pass, create_project, create_template, data_url

TOO_LONG = "x" * (MAX_TEXT + 1)


@pytest.fixture
async def template_id(api: httpx.AsyncClient) -> int:
    """The reference's Apple template, in a new project."""
    return await create_template(api, (await create_project(api))["id"])


def _refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert field in [detail["field"] for detail in body["details"]], body
    assert TOO_LONG not in response.text


def _noisy_png(width: int, height: int) -> bytes:
    """A PNG that does not compress, so its data: URL is longer than any text may be."""
    noise = random.Random(7).randbytes(width * height * 3)
    output = io.BytesIO()
    Image.frombytes("RGB", (width, height), noise).save(output, format="PNG")
    return output.getvalue()


class TestPassValues:
    async def test_a_value_over_the_bound_is_refused_and_nothing_is_stored(
        self, api: httpx.AsyncClient, template_id: int
    ) -> None:
        response = await api.post(f"/v1/pass/{template_id}", json={"fields": {"Coupon": {"value": TOO_LONG}}})
        _refused(response, "fields.Coupon.value")
        assert (await api.get(f"/v1/template/{template_id}/passes")).json()["count"] == 0

    async def test_a_value_at_the_bound_is_taken(self, api: httpx.AsyncClient, template_id: int) -> None:
        created = await create_pass(api, template_id, {"fields": {"Coupon": {"value": "x" * MAX_TEXT}}})
        assert created["fields"]["Coupon"]["value"] == "x" * MAX_TEXT

    async def test_labels_change_messages_and_semantics_are_bounded(
        self, api: httpx.AsyncClient, template_id: int
    ) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"fields": {"Coupon": {"label": TOO_LONG}}}, "fields.Coupon.label"),
            ({"headers": {"logo_text": {"value": TOO_LONG}}}, "headers.logo_text.value"),
            ({"fields": {"Coupon": {"changeMessage": TOO_LONG + "%@"}}}, "fields.Coupon.changeMessage"),
            ({"semantics": {"eventName": TOO_LONG}}, "semantics.eventName"),
            ({"fields": {"Coupon": {"semantics": {"seats": [{"seatRow": TOO_LONG}]}}}},
             "fields.Coupon.semantics.seats.0.seatRow"),
        ]  # fmt: skip
        for body, field in cases:
            _refused(await api.post(f"/v1/pass/{template_id}", json=body), field)

    async def test_updates_are_bounded_too(self, api: httpx.AsyncClient, template_id: int) -> None:
        created = await create_pass(api, template_id)
        body = {"fields": {"Coupon": {"value": TOO_LONG}}}
        _refused(await api.put(f"/v1/pass/{created['id']}", json=body), "fields.Coupon.value")
        _refused(await api.put(f"/v1/template/{template_id}/passes", json=body), "fields.Coupon.value")
        assert (await api.get(f"/v1/pass/{created['id']}")).json()["fields"]["Coupon"]["value"] == "20%"

    async def test_an_image_header_takes_a_data_url_longer_than_a_text(
        self, api: httpx.AsyncClient, template_id: int
    ) -> None:
        image = data_url(_noisy_png(160, 50))
        assert len(image) > MAX_TEXT
        created = await create_pass(api, template_id, {"headers": {"logo_image": {"value": image}}})
        assert (await api.get(f"/v1/pass/{created['id']}/download")).status_code == 200


class TestTemplateTexts:
    async def test_a_header_field_or_location_text_over_the_bound_is_refused(
        self, api: httpx.AsyncClient
    ) -> None:
        project = await create_project(api)
        headers, coupon = apple_template()["headers"], apple_template()["fields"]["Coupon"]
        cases: list[tuple[dict[str, Any], str]] = [
            ({"headers": headers | {"logo_text": {"value": TOO_LONG}}}, "headers.logo_text.value"),
            ({"fields": {"Coupon": coupon | {"value": TOO_LONG}}}, "fields.Coupon.value"),
            ({"fields": {"Coupon": coupon | {"label": TOO_LONG}}}, "fields.Coupon.label"),
            ({"locations": [{"latitude": 1, "longitude": 2, "relevantText": TOO_LONG}]},
             "locations.0.relevantText"),
        ]  # fmt: skip
        for changes, field in cases:
            _refused(await api.post(f"/v1/template/{project['id']}", json=apple_template(**changes)), field)
        assert (await api.get("/v1/template/headers")).json()["count"] == 0

    async def test_a_patch_is_bounded(self, api: httpx.AsyncClient, template_id: int) -> None:
        body = {"headers": {"logo_text": {"value": TOO_LONG}}}
        _refused(await api.patch(f"/v1/templates/{template_id}", json=body), "headers.logo_text.value")

    async def test_an_image_header_takes_a_long_data_url(self, api: httpx.AsyncClient) -> None:
        project = await create_project(api)
        template = apple_template()
        headers = template["headers"] | {
            "logo_image": {"fieldType": "image", "value": data_url(_noisy_png(160, 50))}
        }
        response = await api.post(f"/v1/template/{project['id']}", json=apple_template(headers=headers))
        assert response.status_code == 200, response.text
