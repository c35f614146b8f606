"""Hostile input on the registration routes and Apple's web service: the right answer or a 400."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from passmint.kit.ids import MAX_ID
from tests.conftest import ApiClient
from tests.factories import create_pass, create_project, create_template
from tests.registrations.test_endpoints import install
from tests.registrations.test_webservice import Phone


@pytest.fixture
async def phone(api: ApiClient, anonymous: httpx.AsyncClient) -> Phone:
    """A device registered for one pass."""
    project = await create_project(api)
    pass_ = await create_pass(api, await create_template(api, project["id"]))
    token = (await api.get(f"/v1/pass/{pass_['id']}/viewJSONPass")).json()["authenticationToken"]
    registered = Phone(anonymous, "device-1", pass_, token)
    assert (await registered.register()).status_code == 201
    return registered


class TestPassesUpdatedSince:
    """A tag this server did not issue reads as "since the beginning" (docs/decisions.md)."""

    @pytest.mark.parametrize("tag", [str(MAX_ID + 1), str(2**64), "9" * 60, "²", "1²", "\u0661"])
    async def test_a_tag_no_server_issues_lists_every_pass(self, phone: Phone, tag: str) -> None:
        response = await phone.updated(tag)
        assert response.status_code == 200, response.text
        assert response.json()["serialNumbers"] == [phone.pass_["serialNumber"]]

    async def test_the_largest_tag_lists_nothing_newer(self, phone: Phone) -> None:
        assert (await phone.updated(str(MAX_ID))).status_code == 204


class TestIfModifiedSince:
    @pytest.mark.parametrize(
        ("since", "status"),
        [("Fri, 31 Dec 9999 23:59:59 -1400", 304), ("Mon, 01 Jan 0001 00:00:00 +1400", 200)],
    )
    async def test_a_date_with_no_utc_form_still_compares(
        self, phone: Phone, since: str, status: int
    ) -> None:
        assert (await phone.latest(since)).status_code == status


class TestUnstorableText:
    async def test_nul_in_log_lines_is_400(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.post("/apple/v1/log", json={"logs": ["fine", "bad\x00"]})
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == "logs"

    async def test_nul_in_a_push_token_is_400(self, phone: Phone) -> None:
        response = await phone.client.post(
            phone.registration.replace("device-1", "device-2"),
            json={"pushToken": "a\x00"},
            headers=phone.auth(),
        )
        assert response.status_code == 400, response.text

    async def test_nul_in_a_device_id_is_400(self, phone: Phone) -> None:
        path = phone.registration.replace("device-1", "device%00")
        response = await phone.client.post(path, json={"pushToken": "p"}, headers=phone.auth())
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == "deviceLibraryIdentifier"


@pytest.fixture
async def campaign(api: ApiClient, anonymous: httpx.AsyncClient) -> dict[str, Any]:
    project = await create_project(api, projectType="coupon")
    template_id = await create_template(
        api, project["id"], {"name": "Coupon", "vendor": "Apple", "fields": {}}
    )
    pass_ = await create_pass(api, template_id)
    await install(anonymous, api, pass_, "phone-1")
    return {"project": project["id"], "pass": pass_["id"]}


class TestCampaignListing:
    async def test_pass_id_beyond_any_is_400(self, api: ApiClient, campaign: dict[str, Any]) -> None:
        response = await api.get(f"/v2/coupons/{campaign['project']}/passes/{MAX_ID + 1}/registrations")
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == "pass_id"

    async def test_a_page_past_every_possible_row_is_empty(
        self, api: ApiClient, campaign: dict[str, Any]
    ) -> None:
        params = {"page": MAX_ID, "perPage": 100}
        response = await api.get(f"/v2/coupons/{campaign['project']}/registrations", params=params)
        assert response.status_code == 200, response.text
        assert response.json() == []
        too_far = await api.get(
            f"/v2/coupons/{campaign['project']}/registrations", params={"page": MAX_ID + 1}
        )
        assert too_far.status_code == 400
