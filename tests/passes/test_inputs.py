"""Hostile query strings and values on ``/v1/pass``: each a 400 naming the field (or the right answer),
never a 500, and nothing written."""

from __future__ import annotations

import json

import httpx
import pytest

from passmint.kit.ids import MAX_ID
from tests.factories import create_pass

TOO_BIG = MAX_ID + 1


def assert_400(response: httpx.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    assert [detail["field"] for detail in response.json()["details"]] == [field]


class TestQueryStrings:
    @pytest.mark.parametrize(
        ("query", "field"),
        [
            (f"page={TOO_BIG}", "page"),
            (f"page={2**64}", "page"),
            ("page=0", "page"),
            (f"templateId={TOO_BIG}", "templateId"),
            ("templateId=²", "templateId"),
        ],
    )
    async def test_list_is_400(
        self, api: httpx.AsyncClient, template_id: int, query: str, field: str
    ) -> None:
        assert_400(await api.get(f"/v1/pass?{query}"), field)

    async def test_a_page_past_every_possible_row_is_empty(
        self, api: httpx.AsyncClient, template_id: int
    ) -> None:
        await create_pass(api, template_id)
        for path in ("/v1/pass", "/v1/project", "/v1/template/headers", f"/v1/template/{template_id}/passes"):
            response = await api.get(path, params={"page": MAX_ID, "pageSize": 1000})
            assert response.status_code == 200, (path, response.text)
            assert response.json()["pagination"]["page"] == MAX_ID

    @pytest.mark.parametrize("pass_ids", [str(TOO_BIG), f"1,{2**64}", ",".join(["1"] * 11), "0"])
    async def test_download_by_ids_is_400(self, api: httpx.AsyncClient, pass_ids: str) -> None:
        assert_400(await api.get("/v1/pass/download", params={"passIds": pass_ids}), "passIds")

    @pytest.mark.parametrize("exids", ["", ",", " , ", ",".join(f"p{n}" for n in range(11))])
    async def test_download_by_external_ids_is_400(
        self, api: httpx.AsyncClient, template_id: int, exids: str
    ) -> None:
        response = await api.get(f"/v1/pass/template/{template_id}/download", params={"exids": exids})
        assert_400(response, "exids")

    async def test_location_id_beyond_any_is_400(self, api: httpx.AsyncClient, template_id: int) -> None:
        created = await create_pass(api, template_id)
        assert_400(await api.delete(f"/v1/pass/{created['id']}/location/{TOO_BIG}"), "locationId")


class TestUpdateByExternalId:
    @pytest.mark.parametrize("template", [TOO_BIG, "abc", str(TOO_BIG), "²"])
    async def test_templates_that_cannot_be_ids_are_400(
        self, api: httpx.AsyncClient, template_id: int, template: object
    ) -> None:
        await api.post(f"/v1/pass/{template_id}/id/alice", json={})
        response = await api.put("/v1/pass/id/alice", json={"templates": [template]})
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"].startswith("templates.0")


class TestUnstorableValues:
    """Values PostgreSQL cannot store (JSON NaN, NUL, lone surrogates) are refused by field."""

    @pytest.mark.parametrize(
        "raw_value", ["NaN", "Infinity", "-Infinity", "1e400", '"a\\u0000b"', '"\\ud800"']
    )
    async def test_field_value_is_400_and_nothing_is_written(
        self, api: httpx.AsyncClient, template_id: int, raw_value: str
    ) -> None:
        content = '{"fields": {"Coupon": {"value": ' + raw_value + "}}}"
        response = await api.post(
            f"/v1/pass/{template_id}", content=content, headers={"Content-Type": "application/json"}
        )
        assert_400(response, "fields")
        assert "Coupon.value" in response.json()["error"]
        assert (await api.get("/v1/pass")).json()["count"] == 0

    @pytest.mark.parametrize(
        "body",
        [
            {"tags": ["ok", "a\x00"]},
            {"headers": {"barcode_value": {"value": "M\x00"}}},
            {"semantics": {"eventName": "\x00"}},
            {"locations": [{"latitude": 1, "longitude": 2, "relevantText": "\x00"}]},
        ],
    )
    async def test_nul_anywhere_in_a_pass_is_400(
        self, api: httpx.AsyncClient, template_id: int, body: dict[str, object]
    ) -> None:
        response = await api.post(f"/v1/pass/{template_id}", json=body)
        assert_400(response, next(iter(body)))
        assert "NUL" in response.json()["error"]

    async def test_nul_in_an_update_is_400(self, api: httpx.AsyncClient, template_id: int) -> None:
        created = await create_pass(api, template_id)
        body = json.dumps({"fields": {"Coupon": {"value": "a\x00"}}})
        response = await api.put(
            f"/v1/pass/{created['id']}", content=body, headers={"Content-Type": "application/json"}
        )
        assert_400(response, "fields")
        stored = (await api.get(f"/v1/pass/{created['id']}")).json()
        assert stored["fields"]["Coupon"]["value"] == "20%"

    async def test_nul_in_a_dynamic_external_id_is_400(
        self, api: httpx.AsyncClient, template_id: int
    ) -> None:
        response = await api.post(f"/v1/pass/{template_id}/dynamic", json={"externalId": "a\x00"})
        assert_400(response, "externalId")


class TestImageUrls:
    @pytest.mark.parametrize(
        "url",
        ["http://xn--a.example/logo.png", "http://a..example/logo.png", "http://example.com:0/logo.png"],
    )
    async def test_a_host_or_port_no_request_can_reach_is_400(
        self, api: httpx.AsyncClient, template_id: int, url: str
    ) -> None:
        response = await api.post(f"/v1/pass/{template_id}", json={"headers": {"logo_image": {"value": url}}})
        assert response.status_code == 400, response.text
        assert response.json()["error_code"] == "image_url_not_allowed"
        assert response.json()["details"][0]["field"] == "headers.logo_image.value"
