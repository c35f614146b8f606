"""Hostile input on the template routes: a 400 naming the field, never a 500, and nothing written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from passmint.kit.ids import MAX_ID
from tests.factories import apple_template, create_project, create_template


@pytest.fixture
async def project(api: httpx.AsyncClient) -> dict[str, Any]:
    return await create_project(api)


class TestQueryStrings:
    @pytest.mark.parametrize("project_id", [str(MAX_ID + 1), str(2**64), "0", "²"])
    async def test_project_filter_is_400(self, api: httpx.AsyncClient, project_id: str) -> None:
        response = await api.get("/v1/template/headers", params={"projectId": project_id})
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == "projectId"

    async def test_location_id_beyond_any_is_400(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        template_id = await create_template(api, project["id"])
        response = await api.delete(f"/v1/template/{template_id}/location/{MAX_ID + 1}")
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == "locationId"


class TestPatch:
    async def test_a_vendor_id_of_another_vendor_is_400_and_changes_nothing(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        template_id = await create_template(api, project["id"])
        response = await api.patch(f"/v1/templates/{template_id}", json={"vendorId": 2, "name": "Renamed"})
        assert response.status_code == 400, response.text
        assert response.json()["error_code"] == "template_invalid"
        assert response.json()["details"][0]["field"] == "vendorId"
        assert (await api.get(f"/v1/templates/{template_id}")).json()["name"] == "Loyalty Card"

    async def test_the_matching_vendor_id_is_accepted(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        template_id = await create_template(api, project["id"])
        response = await api.patch(f"/v1/templates/{template_id}", json={"vendorId": "1"})
        assert response.status_code == 200, response.text


class TestUnstorableText:
    @pytest.mark.parametrize(
        "change",
        [
            {"name": "Loyalty\x00"},
            {"description": "\x00"},
            {
                "headers": {
                    **apple_template()["headers"],
                    "logo_text": {"fieldType": "topLevel", "value": "\x00"},
                }
            },
        ],
    )
    async def test_nul_is_400(
        self, api: httpx.AsyncClient, project: dict[str, Any], change: dict[str, Any]
    ) -> None:
        response = await api.post(f"/v1/template/{project['id']}", json=apple_template(**change))
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == next(iter(change))
        assert (await api.get("/v1/template/headers")).json()["count"] == 0

    async def test_nul_in_a_project_name_is_400(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/v1/project", json={"name": "a\x00b", "projectType": "memberCard"})
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == "name"
        assert (await api.get("/v1/project")).json()["count"] == 0
