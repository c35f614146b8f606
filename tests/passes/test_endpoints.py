"""``/v1/pass`` through the real app and database."""

from __future__ import annotations

import asyncio
import uuid
from email.utils import parsedate_to_datetime

import httpx
import pytest
from sqlalchemy import func, select

from passmint.db import Database
from passmint.models import Pass
from tests.conftest import ApiFactory
from tests.factories import apple_template, create_pass, create_project, create_template, data_url, png
from tests.passes.conftest import Verify, pass_json
from tests.support.clock import AheadClock


async def stored_passes(database: Database) -> int:
    async with database.transaction() as session:
        return await session.scalar(select(func.count()).select_from(Pass)) or 0


class TestCreatePass:
    async def test_from_template_with_values(self, api: httpx.AsyncClient, template_id: int) -> None:
        body = {
            "fields": {"Coupon": {"value": "30%", "label": "today"}},
            "headers": {"barcode_value": {"value": "M-1"}},
        }
        created = await create_pass(api, template_id, body)
        assert created["templateId"] == template_id
        assert uuid.UUID(created["serialNumber"])
        assert created["url"] == f"http://localhost/v1/pass/{created['id']}/download"
        assert created["publicUrl"]["path"].startswith("http://localhost/v1/download/pass/")
        assert created["status"] == "not_been_installed"
        assert (
            created["fields"]["Coupon"]["value"] == "30%" and created["fields"]["Coupon"]["label"] == "today"
        )
        assert created["fields"]["Coupon"]["changeMessage"] == "Enjoy %@ off your next order!"
        assert created["fields"]["InStore"]["value"] == "1234 Fake St."

    async def test_tokens_are_unique_and_unguessable(
        self, api: httpx.AsyncClient, template_id: int, database: Database
    ) -> None:
        for _ in range(3):
            await create_pass(api, template_id)
        async with database.transaction() as session:
            rows = (await session.scalars(select(Pass))).all()
        assert (
            len({row.authentication_token for row in rows}) == 3
            and min(len(r.authentication_token) for r in rows) >= 16
        )
        assert len({row.public_token for row in rows}) == 3 and min(len(r.public_token) for r in rows) >= 24

    async def test_external_id_forms(self, api: httpx.AsyncClient, template_id: int) -> None:
        a = (await api.post(f"/v1/pass/template/{template_id}/id/alice", json={})).json()
        b = (await api.post("/v1/pass/id/card/id/bob", json={})).json()
        assert (a["externalId"], b["externalId"]) == ("alice", "bob")
        assert (await api.get(f"/v1/pass/template/{template_id}/id/alice")).json()["id"] == a["id"]
        assert (await api.get("/v1/pass/template/id/card/id/bob")).json()["id"] == b["id"]
        assert (await api.get("/v1/pass/id/bob")).json()["id"] == b["id"]
        again = await api.post(f"/v1/pass/template/{template_id}/id/alice", json={})
        assert again.status_code == 409

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"fields": {"Nope": {"value": "x"}}}, "fields.Nope"),
            ({"fields": {"Coupon": {"value": "x", "fieldType": "back"}}}, "fields.Coupon.fieldType"),
            ({"fields": {"Coupon": {"changeMessage": "no placeholder"}}}, "fields.Coupon.changeMessage"),
            ({"beacons": [{"uuid": "not-a-uuid", "major": 1, "minor": 1}]}, "beacons.0.uuid"),
            ({"tags": ["x"] * 16}, "tags"),
        ],
    )
    async def test_bad_input_is_400_and_writes_nothing(
        self,
        api: httpx.AsyncClient,
        template_id: int,
        database: Database,
        body: dict[str, object],
        field: str,
    ) -> None:
        response = await api.post(f"/v1/pass/{template_id}", json=body)
        assert response.status_code == 400, response.text
        assert any(d["field"].startswith(field) for d in response.json()["details"]), response.json()
        assert await stored_passes(database) == 0

    async def test_number_field_needs_a_number(self, api: httpx.AsyncClient, database: Database) -> None:
        project = await create_project(api)
        template = apple_template()
        template["fields"]["Points"] = {
            "fieldType": "secondary",
            "formatType": "Number",
            "value": 0,
            "label": "Points",
        }
        template_id = await create_template(api, project["id"], template)
        response = await api.post(f"/v1/pass/{template_id}", json={"fields": {"Points": {"value": "lots"}}})
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == "fields.Points.value"
        assert await stored_passes(database) == 0
        assert (
            await api.post(f"/v1/pass/{template_id}", json={"fields": {"Points": {"value": 12}}})
        ).status_code == 200

    async def test_image_that_is_not_an_image(
        self, api: httpx.AsyncClient, template_id: int, database: Database
    ) -> None:
        body = {"headers": {"thumbnail_image": {"value": data_url(b"<html>", "image/png")}}}
        response = await api.post(f"/v1/pass/{template_id}", json=body)
        assert (
            response.status_code == 400
            and response.json()["details"][0]["field"] == "headers.thumbnail_image.value"
        )
        assert await stored_passes(database) == 0

    async def test_unknown_template_is_404(self, api: httpx.AsyncClient, database: Database) -> None:
        response = await api.post("/v1/pass/987654", json={})
        assert response.status_code == 404 and response.json()["error_code"] == "template_not_found"
        assert await stored_passes(database) == 0

    async def test_disabled_template_makes_no_passes(self, api: httpx.AsyncClient, template_id: int) -> None:
        await api.patch(f"/v1/templates/{template_id}", json={"disabled": True})
        response = await api.post(f"/v1/pass/{template_id}", json={})
        assert response.status_code == 400 and response.json()["error_code"] == "template_disabled"


class TestDownload:
    async def test_signed_pass_shows_the_values(
        self, api: httpx.AsyncClient, template_id: int, verify: Verify
    ) -> None:
        created = await create_pass(
            api,
            template_id,
            {"fields": {"Coupon": {"value": "30%"}}, "headers": {"barcode_value": {"value": "M-1"}}},
        )
        response = await api.get(f"/v1/pass/{created['id']}/download")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/vnd.apple.pkpass"
        assert parsedate_to_datetime(response.headers["last-modified"])
        files = verify(response.content)
        document = pass_json(files)
        assert document["serialNumber"] == created["serialNumber"]
        assert document["webServiceURL"] == "http://localhost/apple"
        assert len(document["authenticationToken"]) >= 16
        assert document["storeCard"]["primaryFields"][0] == {
            "key": "Coupon",
            "label": "coupon",
            "value": "30%",
            "changeMessage": "Enjoy %@ off your next order!",
            "textAlignment": "PKTextAlignmentRight",
        } | {
            k: v
            for k, v in document["storeCard"]["primaryFields"][0].items()
            if k not in {"key", "label", "value", "changeMessage", "textAlignment"}
        }
        assert document["barcodes"][0]["message"] == "M-1"
        assert document["labelColor"] == "rgb(24,86,148)" and document["logoText"] == "Logo Text"
        assert {"icon.png", "logo.png"} <= set(files)
        assert document["organizationName"] == "Loyalty"

    async def test_update_changes_the_download(
        self, api: httpx.AsyncClient, template_id: int, verify: Verify, utc_clock: AheadClock
    ) -> None:
        created = await create_pass(api, template_id)
        first = await api.get(f"/v1/pass/{created['id']}/download")
        utc_clock.advance(1)  # Last-Modified has a resolution of one second
        response = await api.put(f"/v1/pass/{created['id']}", json={"fields": {"Coupon": {"value": "50%"}}})
        assert response.status_code == 200
        ticket = (await api.get(f"/v1/ticket/{response.json()['ticketId']}")).json()
        assert ticket["status"] == "COMPLETED" and ticket["done"] == 1
        second = await api.get(f"/v1/pass/{created['id']}/download")
        assert pass_json(verify(second.content))["storeCard"]["primaryFields"][0]["value"] == "50%"
        assert parsedate_to_datetime(second.headers["last-modified"]) > parsedate_to_datetime(
            first.headers["last-modified"]
        )
        assert (await api.get(f"/v1/pass/{created['id']}")).json()["fields"]["Coupon"]["label"] == "coupon"

    async def test_template_change_reaches_its_passes(
        self, api: httpx.AsyncClient, template_id: int, verify: Verify, utc_clock: AheadClock
    ) -> None:
        created = await create_pass(api, template_id)
        first = await api.get(f"/v1/pass/{created['id']}/download")
        utc_clock.advance(1)
        await api.patch(
            f"/v1/templates/{template_id}", json={"headers": {"logo_text": {"value": "New Logo"}}}
        )
        second = await api.get(f"/v1/pass/{created['id']}/download")
        assert pass_json(verify(second.content))["logoText"] == "New Logo"
        assert parsedate_to_datetime(second.headers["last-modified"]) > parsedate_to_datetime(
            first.headers["last-modified"]
        )
        after = await api.get(f"/v1/pass/{created['id']}")
        assert after.json()["updatedAt"] == created["updatedAt"]  # the pass record itself did not change

    async def test_public_link_needs_no_credentials(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, template_id: int, verify: Verify
    ) -> None:
        created = await create_pass(api, template_id)
        path = created["publicUrl"]["path"].removeprefix("http://localhost")
        response = await anonymous.get(path)
        assert response.status_code == 200
        assert pass_json(verify(response.content))["serialNumber"] == created["serialNumber"]
        assert (await anonymous.get(path + "x")).status_code == 404

    async def test_view_json_pass(self, api: httpx.AsyncClient, template_id: int) -> None:
        created = (await api.post(f"/v1/pass/template/{template_id}/id/alice", json={})).json()
        for path in (f"/v1/pass/{created['id']}/viewJSONPass", "/v1/pass/id/alice/viewJSONPass"):
            document = (await api.get(path)).json()
            assert document["serialNumber"] == created["serialNumber"]
            assert document["passTypeIdentifier"] == "pass.dev.passmint"

    async def test_several_passes_in_one_bundle(
        self, api: httpx.AsyncClient, template_id: int, verify: Verify
    ) -> None:
        for name in ("a", "b"):
            await api.post(f"/v1/pass/template/{template_id}/id/{name}", json={})
        response = await api.get(f"/v1/pass/template/{template_id}/download", params={"exids": "a,b"})
        assert response.headers["content-type"] == "application/vnd.apple.pkpasses"
        import io
        import zipfile

        inner = zipfile.ZipFile(io.BytesIO(response.content))
        assert len(inner.namelist()) == 2
        for name in inner.namelist():
            verify(inner.read(name))
        missing = await api.get(f"/v1/pass/template/{template_id}/download", params={"exids": "a,zzz"})
        assert missing.status_code == 404 and "zzz" in missing.json()["error"]

    async def test_other_accounts_cannot_download(self, new_api: ApiFactory) -> None:
        owner, stranger = await new_api(), await new_api()
        template_id = await create_template(owner, (await create_project(owner))["id"])
        created = await create_pass(owner, template_id)
        assert (await stranger.get(f"/v1/pass/{created['id']}/download")).status_code == 404
        assert (await stranger.get(f"/v1/pass/{created['id']}")).status_code == 404


class TestListUpdateDelete:
    async def test_list_filters(self, api: httpx.AsyncClient, template_id: int, database: Database) -> None:
        ids = [(await create_pass(api, template_id))["id"] for _ in range(3)]
        async with database.transaction() as session:
            first = await session.get(Pass, ids[0])
            assert first is not None
            from passmint.kit.time import utcnow

            first.installed_at = utcnow()
        listed = (await api.get("/v1/pass", params={"templateId": template_id, "pageSize": 2})).json()
        assert listed["count"] == 3 and [p["id"] for p in listed["passes"]] == sorted(ids, reverse=True)[:2]
        installed = (await api.get("/v1/pass", params={"status": "installed"})).json()
        assert [p["id"] for p in installed["passes"]] == [ids[0]] and installed["passes"][0][
            "status"
        ] == "installed"
        never = (
            await api.get(f"/v1/template/{template_id}/passes", params={"status": "not_been_installed"})
        ).json()
        assert sorted(p["id"] for p in never["passes"]) == ids[1:]
        assert (await api.get("/v1/pass", params={"status": "sideways"})).status_code == 400

    async def test_update_by_external_id_across_templates(
        self, api: httpx.AsyncClient, template_id: int
    ) -> None:
        other = await create_template(api, (await create_project(api))["id"])
        for template in (template_id, other):
            await api.post(f"/v1/pass/template/{template}/id/shared", json={})
        assert (await api.get("/v1/pass/id/shared")).status_code == 409
        body = {"fields": {"Coupon": {"value": "5%"}}, "templates": [str(template_id)]}
        assert (await api.put("/v1/pass/id/shared", json=body)).status_code == 200
        mine = (await api.get(f"/v1/pass/template/{template_id}/id/shared")).json()
        theirs = (await api.get(f"/v1/pass/template/{other}/id/shared")).json()
        assert mine["fields"]["Coupon"]["value"] == "5%" and theirs["fields"]["Coupon"]["value"] == "20%"

    @pytest.mark.parametrize("template", ["", "card", "id/", "12/34"])
    async def test_update_by_external_id_refuses_templates_that_name_none(
        self, api: httpx.AsyncClient, template_id: int, template: str
    ) -> None:
        await api.post(f"/v1/pass/template/{template_id}/id/shared", json={})
        response = await api.put("/v1/pass/id/shared", json={"templates": [template_id, template]})
        assert response.status_code == 400
        assert response.json()["details"][0]["field"].startswith("templates.1")

    async def test_bad_update_changes_nothing(self, api: httpx.AsyncClient, template_id: int) -> None:
        created = await create_pass(api, template_id)
        response = await api.put(f"/v1/pass/{created['id']}", json={"fields": {"Nope": {"value": "1"}}})
        assert response.status_code == 400
        assert (await api.get(f"/v1/pass/{created['id']}")).json()["updatedAt"] == created["updatedAt"]

    async def test_locations_replace_and_add(self, api: httpx.AsyncClient, template_id: int) -> None:
        created = await create_pass(api, template_id)
        await api.put(f"/v1/pass/{created['id']}", json={"locations": [{"latitude": 1, "longitude": 1}]})
        added = (
            await api.post(
                f"/v1/pass/{created['id']}/locations", json={"locations": [{"latitude": 2, "longitude": 2}]}
            )
        ).json()
        assert [entry["value"]["latitude"] for entry in added] == [1, 2]
        remaining = (
            await api.delete(f"/v1/pass/{created['id']}/location/{added[0]['passLocationId']}")
        ).json()
        assert [entry["latitude"] for entry in remaining["locations"]] == [2]

    async def test_beacons(self, api: httpx.AsyncClient, template_id: int, verify: Verify) -> None:
        await api.post(f"/v1/pass/template/{template_id}/id/b", json={})
        beacon = {
            "uuid": "55502220-a123-a456-a789-555022205555",
            "major": 1,
            "minor": 2,
            "relevantText": "Near",
        }
        response = await api.put(f"/v1/pass/template/{template_id}/id/b/beacons", json={"beacons": [beacon]})
        assert response.status_code == 201 and "ticketId" in response.json()  # as the reference documents
        assert (await api.get(f"/v1/pass/template/{template_id}/id/b/beacons")).json() == {
            "beacons": [beacon]
        }
        files = verify((await api.get(f"/v1/pass/template/{template_id}/id/b/download")).content)
        assert pass_json(files)["beacons"][0]["proximityUUID"] == beacon["uuid"]

    async def test_tags_and_delete(self, api: httpx.AsyncClient, template_id: int) -> None:
        created = await create_pass(api, template_id, {"tags": ["vip", "summer"]})
        assert created["tags"] == ["summer", "vip"]
        response = await api.delete(f"/v1/pass/{created['id']}")
        assert response.json() == {"status": "deleted", "passId": created["id"]}
        assert (await api.get(f"/v1/pass/{created['id']}")).status_code == 404

    async def test_dynamic_pass(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, template_id: int, verify: Verify
    ) -> None:
        """The answer is a link; the pass is made when the link is first opened (without credentials)."""
        response = await api.post(
            f"/v1/pass/{template_id}/dynamic", params={"expiry": "2030-05-18"}, json={"externalId": "dyn"}
        )
        assert response.status_code == 200, response.text
        url = response.json()["url"]
        assert url.startswith("http://localhost/v1/pass/dynamic/") and set(response.json()) == {"url"}
        assert (await api.get("/v1/pass/id/dyn")).status_code == 404
        first = await anonymous.get(url.removeprefix("http://localhost"))
        assert first.status_code == 200 and first.headers["content-type"] == "application/vnd.apple.pkpass"
        document = pass_json(verify(first.content))
        assert document["expirationDate"].startswith("2030-05-18T00:00:00")
        again = pass_json(verify((await anonymous.get(url.removeprefix("http://localhost"))).content))
        assert again["serialNumber"] == document["serialNumber"]
        listed = (await api.get("/v1/pass", params={"templateId": template_id})).json()
        assert listed["count"] == 1 and listed["passes"][0]["externalId"] == "dyn"
        bad = await api.post(f"/v1/pass/{template_id}/dynamic", params={"expiry": "someday"}, json={})
        assert bad.status_code == 400 and bad.json()["details"][0]["field"] == "expiry"

    async def test_dynamic_pass_body_is_checked_when_the_link_is_made(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, template_id: int, database: Database
    ) -> None:
        body = {"fields": {"Nope": {"value": "1"}}}
        response = await api.post(f"/v1/pass/{template_id}/dynamic", json=body)
        assert response.status_code == 400 and response.json()["details"][0]["field"] == "fields.Nope"
        unknown = await anonymous.get("/v1/pass/dynamic/0b6e51a4-34a8-4a07-9d79-0f2f1b5a4c11")
        assert unknown.status_code == 404 and await stored_passes(database) == 0

    async def test_pass_image_overrides_template_image(
        self, api: httpx.AsyncClient, template_id: int, verify: Verify
    ) -> None:
        thumbnail = png(90, 90, (1, 2, 3))
        created = await create_pass(
            api, template_id, {"headers": {"thumbnail_image": {"value": data_url(thumbnail)}}}
        )
        files = verify((await api.get(f"/v1/pass/{created['id']}/download")).content)
        assert files["thumbnail.png"] == thumbnail


class TestReferenceExamples:
    async def test_create_pass_example_as_printed(
        self, api: httpx.AsyncClient, template_id: int, verify: Verify
    ) -> None:
        body = {
            "headers": {
                "expirationDate": {"value": "2014-08-20T09:41-08:00"},
                "barcodeAltText": {"changeMessage": None, "value": "abc1234567890", "label": ""},
                "barcode_value": {"changeMessage": None, "value": "abc1234567890", "label": ""},
            },
            "fields": {
                "Coupon": {"changeMessage": "Enjoy %@ off your next order!", "value": "20%",
                           "label": "Coupon"},
                "SiteAddress": {
                    "changeMessage": "Check out things we think you would like at %@",
                    "value": "https://www.example.com/new?custnumb=123456",
                    "label": "personal deals",
                },
                "InStore": {"changeMessage": "Or visit your nearest store at %@", "value": "1234 Fake St.",
                            "label": "nearestStore"},
                # The example's image is on the internet; the same request with a local image:
                "thumbnail_image": {"value": data_url(png(90, 90))},
            },
            "beacons": [{"uuid": "55502220-A123-A88A-F321-555A444B333C",
                         "relevantText": "You are near the Ship", "major": 2, "minor": 346}],
            "locations": [{"longitude": -122.374, "latitude": 37.618, "relevantText": "Hello loc0",
                           "streetAddress1": "address line #1", "streetAddress2": "address line #2",
                           "city": "San Francisco", "region": "CA", "regionCode": "94404", "country": "US"}],
            "publicUrl": {"type": "single"},
        }  # fmt: skip
        response = await api.post(f"/v1/pass/{template_id}", json=body)
        assert response.status_code == 200, response.text
        created = response.json()
        for key in (
            "id",
            "templateId",
            "createdAt",
            "url",
            "publicUrl",
            "passFields",
            "beacons",
            "locations",
        ):
            assert key in created, key
        assert created["publicUrl"]["type"] == "single"
        assert created["passFields"]["SiteAddress"]["label"] == "personal deals"
        assert created["locations"][0]["city"] == "San Francisco" and "id" in created["locations"][0]
        document = pass_json(verify((await api.get(f"/v1/pass/{created['id']}/download")).content))
        assert document["expirationDate"] == "2014-08-20T09:41:00-08:00"
        assert document["barcodes"][0]["altText"] == "abc1234567890"
        assert document["beacons"][0]["major"] == 2

    async def test_get_pass_carries_the_reference_keys(
        self, api: httpx.AsyncClient, template_id: int
    ) -> None:
        created = await create_pass(api, template_id)
        fetched = (await api.get(f"/v1/pass/{created['id']}")).json()
        for key in (
            "tags",
            "headers",
            "fields",
            "id",
            "templateId",
            "updatedAt",
            "createdAt",
            "serialNumber",
            "url",
            "status",
        ):
            assert key in fetched, key
        assert "passFields" not in fetched


async def test_dynamic_link_opened_twice_at_once_makes_one_pass(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, template_id: int, database: Database
) -> None:
    url = (await api.post(f"/v1/pass/{template_id}/dynamic", json={})).json()["url"]
    path = url.removeprefix("http://localhost")
    answers = await asyncio.gather(*(anonymous.get(path) for _ in range(4)))
    assert [answer.status_code for answer in answers] == [200] * 4, [a.text for a in answers]
    assert await stored_passes(database) == 1
