"""``/v1/template`` and ``/v1/templates`` through the real app and database."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from passmint.db import Database
from passmint.models import Image, Template
from tests.conftest import ApiFactory
from tests.factories import GOOGLE_TEMPLATE, apple_template, create_project, create_template, data_url


async def stored_templates(database: Database) -> int:
    async with database.transaction() as session:
        return await session.scalar(select(func.count()).select_from(Template)) or 0


@pytest.fixture
async def project(api: httpx.AsyncClient) -> dict[str, Any]:
    return await create_project(api, "/v1/project/id/loyalty")


class TestCreateTemplate:
    async def test_reference_apple_example(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        template_id = await create_template(api, project["id"])
        body = (await api.get(f"/v1/template/{template_id}")).json()
        header = body["templateHeader"]
        assert header["id"] == template_id and header["projectId"] == project["id"]
        assert (header["vendor"], header["vendorId"], header["type"]) == ("Apple", 1, "Store Card")
        assert (header["deleted"], header["disabled"], header["expiryDuration"]) == ("False", "False", 365)
        assert header["projectType"] == "memberCard" and header["name"] == "Loyalty Card"
        fields = body["fieldsModel"]["fields"]
        assert set(fields) == {"Coupon", "SiteAddress", "InStore"}
        assert fields["Coupon"]["changeMessage"] == "Enjoy %@ off your next order!"
        assert fields["Coupon"]["textAlignment"] == "textAlignmentRight"
        assert body["fieldsModel"]["headers"]["logo_color"]["value"] == "rgb(24,86,148)"

    async def test_images_are_stored_once(
        self, api: httpx.AsyncClient, project: dict[str, Any], database: Database
    ) -> None:
        await create_template(api, project["id"])
        await create_template(api, project["id"])
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(Image)) == 2  # icon and logo, shared

    async def test_with_external_ids(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        first = await create_template(api, project["id"], suffix="/id/tpl-1")
        second = await create_template(api, "project/id/loyalty", suffix="/id/tpl-2")
        assert (await api.get("/v1/template/id/tpl-1")).json()["templateHeader"]["id"] == first
        assert (await api.get("/v1/template/id/tpl-2")).json()["templateHeader"]["externalId"] == "tpl-2"
        assert second != first
        response = await api.post(f"/v1/template/{project['id']}/id/tpl-1", json=apple_template())
        assert response.status_code == 409

    async def test_google_example_is_flattened(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        template_id = await create_template(api, project["id"], GOOGLE_TEMPLATE)
        document = (await api.get(f"/v1/templates/{template_id}")).json()
        assert document["vendor"] == "Google" and document["vendorId"] == 2
        assert document["fields"]["Member Since"]["fieldType"] == "infoModuleData"
        assert document["fields"]["Points"]["fieldType"] == "pointsModule"
        assert document["expiryInfo"]["expiryDuration"] == 365
        assert "notShared" not in document["headers"]["barcode_type"]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"headers": {"colour_of_sky": {"value": "blue"}}}, "headers.colour_of_sky"),
            ({"headers": {"background_color": {"value": "blue"}}}, "headers.background_color.value"),
            ({"headers": {"barcode_type": {"value": "upc-a"}}}, "headers.barcode_type"),
            (
                {"fields": {"X": {"fieldType": "primary", "value": "1", "changeMessage": "no placeholder"}}},
                "fields.X.changeMessage",
            ),
            ({"fields": {"X": {"fieldType": "sideways", "value": "1"}}}, "fields.X.fieldType"),
            ({"projectType": "coupon"}, "projectType"),
            ({"vendorId": 2}, "vendorId"),
            ({"expiryInfo": {"expiryDuration": 0}}, "expiryInfo.expiryDuration"),
            ({"name": ""}, "name"),
        ],
    )
    async def test_bad_design_is_400_naming_the_field(
        self,
        api: httpx.AsyncClient,
        project: dict[str, Any],
        database: Database,
        change: dict[str, Any],
        field: str,
    ) -> None:
        body = apple_template()
        for key, value in change.items():
            body[key] = {**body[key], **value} if key in {"headers", "fields"} else value
        response = await api.post(f"/v1/template/{project['id']}", json=body)
        assert response.status_code == 400, response.text
        fields = [detail["field"] for detail in response.json()["details"]]
        assert any(found.startswith(field) for found in fields), fields
        assert await stored_templates(database) == 0

    async def test_image_url_that_is_not_an_image(
        self, api: httpx.AsyncClient, project: dict[str, Any], database: Database
    ) -> None:
        body = apple_template()
        body["headers"]["icon_image"]["value"] = data_url(b"hello", "text/plain")
        response = await api.post(f"/v1/template/{project['id']}", json=body)
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == "headers.icon_image.value"
        assert await stored_templates(database) == 0

    async def test_unknown_project_is_404(self, api: httpx.AsyncClient) -> None:
        assert (await api.post("/v1/template/99999", json=apple_template())).status_code == 404
        assert (await api.post("/v1/template/id/nope", json=apple_template())).status_code == 404

    async def test_another_accounts_project_is_404(self, new_api: ApiFactory) -> None:
        owner, stranger = await new_api(), await new_api()
        project = await create_project(owner)
        assert (
            await stranger.post(f"/v1/template/{project['id']}", json=apple_template())
        ).status_code == 404


class TestReadTemplate:
    async def test_another_account_sees_nothing(self, new_api: ApiFactory) -> None:
        owner, stranger = await new_api(), await new_api()
        template_id = await create_template(owner, (await create_project(owner))["id"])
        for path in (f"/v1/template/{template_id}", f"/v1/templates/{template_id}"):
            assert (await stranger.get(path)).status_code == 404
        assert (await stranger.get("/v1/template/headers")).json()["count"] == 0

    async def test_headers_list(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        other = await create_project(api)
        ids = [await create_template(api, project["id"]) for _ in range(3)] + [
            await create_template(api, other["id"])
        ]
        body = (await api.get("/v1/template/headers", params={"pageSize": 2})).json()
        assert (
            body["count"] == 4 and [t["id"] for t in body["templateHeaders"]] == sorted(ids, reverse=True)[:2]
        )
        only = (await api.get("/v1/template/headers", params={"projectId": other["id"]})).json()
        assert [t["id"] for t in only["templateHeaders"]] == [ids[-1]]

    async def test_project_lists_its_templates(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        template_id = await create_template(api, project["id"])
        templates = (await api.get(f"/v1/project/{project['id']}")).json()["templates"]
        assert [t["id"] for t in templates] == [template_id]
        assert templates[0]["vendor"] == "Apple"


class TestReplaceTemplate:
    async def test_put_replaces_everything(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        template_id = await create_template(api, project["id"])
        body = apple_template(name="Renamed")
        del body["fields"]["SiteAddress"]
        response = await api.put(f"/v1/template/{template_id}", json=body)
        assert response.status_code == 200 and response.json() == {"templateId": template_id}
        fields = (await api.get(f"/v1/template/{template_id}")).json()["fieldsModel"]["fields"]
        assert set(fields) == {"Coupon", "InStore"}

    async def test_vendor_cannot_change(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        template_id = await create_template(api, project["id"])
        response = await api.put(f"/v1/template/{template_id}", json=GOOGLE_TEMPLATE)
        assert response.status_code == 400 and response.json()["details"][0]["field"] == "vendor"

    async def test_v2_document_round_trips(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        template_id = await create_template(api, project["id"])
        document = (await api.get(f"/v1/templates/{template_id}")).json()
        assert document["deleted"] is False and document["disabled"] is False
        response = await api.put(f"/v1/templates/{template_id}", json=document)
        assert response.status_code == 200, response.text
        again = (await api.get(f"/v1/templates/{template_id}")).json()
        assert {k: v for k, v in again.items() if k != "updatedAt"} == {
            k: v for k, v in document.items() if k != "updatedAt"
        }

    async def test_patch_changes_only_what_is_sent(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        template_id = await create_template(api, project["id"])
        patch = {
            "fields": {
                "Coupon": {"fieldType": "primary", "value": "MVP", "label": "program"},
                "InStore": None,
            }
        }
        response = await api.patch(f"/v1/templates/{template_id}", json=patch)
        assert response.status_code == 200, response.text
        fields = response.json()["fields"]
        assert fields["Coupon"]["value"] == "MVP" and "changeMessage" not in fields["Coupon"]
        assert "InStore" not in fields and fields["SiteAddress"]["value"].startswith("https://")
        assert response.json()["headers"]["logo_text"]["value"] == "Logo Text"


class TestDeleteAndDuplicate:
    async def test_delete(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        template_id = await create_template(api, project["id"], suffix="/id/gone")
        response = await api.delete(f"/v1/template/{template_id}")
        assert response.json() == {"status": "Deleted", "TemplateID": template_id}
        assert (await api.get(f"/v1/template/{template_id}")).status_code == 404
        assert (await api.get("/v1/template/headers")).json()["count"] == 0
        await create_template(api, project["id"], suffix="/id/gone")  # the external id is free again

    async def test_duplicate_copies_design_and_locations(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        template_id = await create_template(api, project["id"])
        await api.post(
            f"/v1/template/{template_id}/locations", json={"locations": [{"latitude": 1, "longitude": 2}]}
        )
        copy_id = (await api.post(f"/v1/template/duplicate/{template_id}", json={})).json()["templateId"]
        copy = (await api.get(f"/v1/templates/{copy_id}")).json()
        assert copy["name"] == "Copy of Loyalty Card" and copy["projectId"] == project["id"]
        assert set(copy["fields"]) == {"Coupon", "SiteAddress", "InStore"}
        assert [(loc["latitude"], loc["longitude"]) for loc in copy["locations"]] == [(1, 2)]

    async def test_project_duplicate_copies_templates(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        await create_template(api, project["id"], suffix="/id/original")
        copy = (await api.post(f"/v1/project/duplicate/{project['id']}")).json()
        assert [t["name"] for t in copy["templates"]] == ["Copy of Loyalty Card"]
        assert copy["templates"][0]["projectId"] == copy["id"]
        assert "externalId" not in copy["templates"][0]


class TestLocations:
    async def test_add_and_remove(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        template_id = await create_template(api, project["id"])
        first = (
            await api.post(
                f"/v1/template/{template_id}/locations",
                json={"locations": [{"latitude": 37.3, "longitude": -122.0, "relevantText": "Hi"}]},
            )
        ).json()
        both = (
            await api.post(
                f"/v1/template/{template_id}/locations", json={"Locations": [{"latitude": 1, "longitude": 2}]}
            )
        ).json()
        assert len(first) == 1 and len(both) == 2
        assert both[0]["value"]["relevantText"] == "Hi" and both[0]["locationId"] == both[0]["fieldId"]
        removed = await api.delete(f"/v1/template/{template_id}/location/{both[0]['locationId']}")
        assert removed.status_code == 200
        remaining = (await api.get(f"/v1/templates/{template_id}")).json()["locations"]
        assert [loc["locationId"] for loc in remaining] == [both[1]["locationId"]]
        assert (await api.delete(f"/v1/template/{template_id}/location/999999")).status_code == 404

    async def test_bad_location(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        template_id = await create_template(api, project["id"])
        response = await api.post(
            f"/v1/template/{template_id}/locations", json={"locations": [{"latitude": 91, "longitude": 0}]}
        )
        assert (
            response.status_code == 400 and response.json()["details"][0]["field"] == "locations.0.latitude"
        )


async def test_payload_format_also_without_v1(api: httpx.AsyncClient, project: dict[str, Any]) -> None:
    template_id = await create_template(api, project["id"])
    with_v1 = (await api.get(f"/v1/templates/{template_id}")).json()
    without = await api.get(f"/templates/{template_id}")
    assert without.status_code == 200 and without.json() == with_v1
    patched = await api.patch("/templates/id/nope", json={"name": "x"})
    assert patched.status_code == 404
