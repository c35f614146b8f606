"""The /v2 registrations API: filters, paging headers, campaign types."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from passmint.db import Database
from passmint.kit.time import utcnow
from passmint.models import Registration
from tests.conftest import ApiClient, ApiFactory
from tests.factories import create_pass, create_project, create_template

PASS_TYPE = "pass.dev.passmint"


async def install(
    anonymous: httpx.AsyncClient, api: ApiClient, pass_: dict[str, Any], device: str, **headers: str
) -> None:
    token = (await api.get(f"/v1/pass/{pass_['id']}/viewJSONPass")).json()["authenticationToken"]
    path = f"/apple/v1/devices/{device}/registrations/{PASS_TYPE}/{pass_['serialNumber']}"
    response = await anonymous.post(
        path, json={"pushToken": device}, headers={"Authorization": f"ApplePass {token}"} | headers
    )
    assert response.status_code == 201


@pytest.fixture
async def campaign(api: ApiClient, anonymous: httpx.AsyncClient) -> dict[str, Any]:
    """A coupon project with three passes installed on five devices."""
    project = await create_project(api, "/v1/project/id/summer", projectType="coupon")
    template_id = await create_template(
        api, project["id"], {"name": "Coupon", "vendor": "Apple", "fields": {}}
    )
    passes = [await create_pass(api, template_id) for _ in range(3)]
    for index, pass_ in enumerate(passes):
        await install(anonymous, api, pass_, f"phone-{index}")
    await install(anonymous, api, passes[0], "android-1", **{"User-Agent": "WalletPasses/2.0"})
    await install(anonymous, api, passes[0], "android-2", **{"X-Pass-Client": "Passes"})
    return {"project": project, "passes": passes}


class TestCampaignRegistrations:
    async def test_all_active_with_total(self, api: ApiClient, campaign: dict[str, Any]) -> None:
        response = await api.get(f"/v2/coupons/{campaign['project']['id']}/registrations")
        assert response.status_code == 200
        body = response.json()
        assert len(body) == 5 and response.headers["X-Total-Count"] == "5" and "Link" not in response.headers
        assert set(body[0]) == {"id", "pass_id", "wallet", "device_os", "created_at", "ended_at"}
        assert all(isinstance(r["id"], str) and isinstance(r["pass_id"], str) for r in body)  # as the seed
        assert {(r["wallet"], r["device_os"]) for r in body} == {
            ("passbook", "ios"), ("wallet_passes", "android"), ("pass2u", "android")
        }  # fmt: skip

    async def test_paging(self, api: ApiClient, campaign: dict[str, Any]) -> None:
        first = await api.get("/v2/coupons/id/summer/registrations", params={"perPage": 2})
        assert len(first.json()) == 2 and first.headers["X-Total-Count"] == "5"
        next_url = first.headers["Link"].split(">")[0].lstrip("<")
        assert "page=2" in next_url and next_url.startswith(
            "http://localhost/v2/coupons/id/summer/registrations"
        )
        second = await api.get(next_url)
        third = await api.get("/v2/coupons/id/summer/registrations", params={"perPage": 2, "page": 3})
        ids = [r["id"] for r in first.json() + second.json() + third.json()]
        assert len(ids) == len(set(ids)) == 5 and "Link" not in third.headers

    async def test_dates_are_inclusive(
        self, api: ApiClient, campaign: dict[str, Any], database: Database
    ) -> None:
        old = utcnow() - timedelta(days=10)
        async with database.transaction() as session:
            await session.execute(
                update(Registration)
                .where(Registration.pass_id == campaign["passes"][1]["id"])
                .values(created_at=old)
            )
        path = f"/v2/coupons/{campaign['project']['id']}/registrations"
        day = old.date().isoformat()
        assert len((await api.get(path, params={"from": day, "to": day})).json()) == 1
        assert (
            len((await api.get(path, params={"from": (old.date() + timedelta(days=1)).isoformat()})).json())
            == 4
        )
        assert len((await api.get(path, params={"to": day})).json()) == 1

    async def test_ended_registrations_only_with_show_ended(
        self, api: ApiClient, campaign: dict[str, Any], database: Database
    ) -> None:
        async with database.transaction() as session:
            await session.execute(
                update(Registration)
                .where(Registration.pass_id == campaign["passes"][2]["id"])
                .values(ended_at=utcnow())
            )
        path = f"/v2/coupons/{campaign['project']['id']}/registrations"
        assert len((await api.get(path)).json()) == 4
        everything = (await api.get(path, params={"showEnded": "true"})).json()
        assert len(everything) == 5 and sum(r["ended_at"] is not None for r in everything) == 1

    @pytest.mark.parametrize("campaign_type", ["store_cards", "event_tickets", "boarding_passes", "generics"])
    async def test_other_campaign_types_do_not_match(
        self, api: ApiClient, campaign: dict[str, Any], campaign_type: str
    ) -> None:
        response = await api.get(f"/v2/{campaign_type}/{campaign['project']['id']}/registrations")
        assert response.status_code == 404 and response.json()["error_code"] == "campaign_not_found"

    async def test_unknown_campaign_type_is_400(self, api: ApiClient, campaign: dict[str, Any]) -> None:
        response = await api.get(f"/v2/tickets/{campaign['project']['id']}/registrations")
        assert response.status_code == 400 and response.json()["details"][0]["field"] == "campaign_type"

    @pytest.mark.parametrize(
        ("params", "field"),
        [({"from": "yesterday"}, "from"), ({"perPage": 0}, "perPage"), ({"page": 0}, "page"),
         ({"showEnded": "maybe"}, "showEnded")],
    )  # fmt: skip
    async def test_bad_filters(
        self, api: ApiClient, campaign: dict[str, Any], params: dict[str, Any], field: str
    ) -> None:
        response = await api.get(f"/v2/coupons/{campaign['project']['id']}/registrations", params=params)
        assert response.status_code == 400 and response.json()["details"][0]["field"] == field

    async def test_another_account_sees_nothing(self, new_api: ApiFactory, campaign: dict[str, Any]) -> None:
        stranger = await new_api()
        assert (
            await stranger.get(f"/v2/coupons/{campaign['project']['id']}/registrations")
        ).status_code == 404

    async def test_needs_credentials(self, anonymous: httpx.AsyncClient, campaign: dict[str, Any]) -> None:
        assert (
            await anonymous.get(f"/v2/coupons/{campaign['project']['id']}/registrations")
        ).status_code == 401


class TestPassRegistrations:
    async def test_one_pass(self, api: ApiClient, campaign: dict[str, Any]) -> None:
        pass_id = campaign["passes"][0]["id"]
        body = (
            await api.get(f"/v2/coupons/{campaign['project']['id']}/passes/{pass_id}/registrations")
        ).json()
        assert len(body) == 3 and {r["pass_id"] for r in body} == {str(pass_id)}

    async def test_event_tickers_spelling(self, api: ApiClient, anonymous: httpx.AsyncClient) -> None:
        project = await create_project(api, projectType="eventTicket")
        template_id = await create_template(
            api, project["id"], {"name": "Show", "vendor": "Apple", "fields": {}}
        )
        pass_ = await create_pass(api, template_id)
        await install(anonymous, api, pass_, "phone")
        for spelling in ("event_tickets", "event_tickers"):
            body = (
                await api.get(f"/v2/{spelling}/{project['id']}/passes/{pass_['id']}/registrations")
            ).json()
            assert [r["pass_id"] for r in body] == [str(pass_["id"])]
