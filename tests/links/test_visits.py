"""Opening an adaptive link (no credentials): the phone's pass, shared or personal, and the refusals."""

from __future__ import annotations

import asyncio
import base64
import io
import zipfile
from collections.abc import Callable

import httpx
import pytest

from passmint.db import Database
from passmint.links import visits
from tests.links.conftest import ANDROID, DESKTOP, IPHONE, MakeLink, local
from tests.passes.conftest import Verify, pass_json
from tests.passes.test_signed_cache import signatures as signatures
from tests.support.clock import AheadClock
from tests.support.statements import statements

PKPASS = "application/vnd.apple.pkpass"
SAVE_URL = "https://pay.google.com/gp/v/save/"
DAY = 86_400


class TestDevices:
    async def test_an_iphone_gets_the_signed_pass(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, verify: Verify
    ) -> None:
        link = await make_link(payload={"fields": {"Coupon": {"value": "15%"}}})
        for path, headers in ((local(link["url"]), IPHONE), (local(link["iosUrl"]), DESKTOP)):
            response = await anonymous.get(path, headers=headers)
            assert response.status_code == 200, response.text
            assert response.headers["content-type"] == PKPASS
            document = pass_json(verify(response.content))
            fields = [field for group in document["storeCard"].values() for field in group]
            assert next(f for f in fields if f["key"] == "Coupon")["value"] == "15%"

    async def test_an_android_phone_goes_to_its_save_link(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink
    ) -> None:
        link = await make_link()
        for path, headers in ((local(link["url"]), ANDROID), (local(link["androidUrl"]), IPHONE)):
            response = await anonymous.get(path, headers=headers)
            assert response.status_code == 302, response.text
            assert response.headers["location"].startswith(SAVE_URL)

    async def test_a_browser_goes_to_the_landing_page_url(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink
    ) -> None:
        link = await make_link(landingPageUrl="https://example.com/land")
        for path, headers in ((local(link["url"]), DESKTOP), (local(link["url"]) + "/web", IPHONE)):
            response = await anonymous.get(path, headers=headers)
            assert response.status_code == 302 and response.headers["location"] == "https://example.com/land"

    async def test_without_landing_page_url_a_browser_gets_the_landing_page(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink
    ) -> None:
        link = await make_link(payload={"fields": {"Coupon": {"value": "15%"}}})
        page = await anonymous.get(local(link["url"]), headers=DESKTOP)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert f'href="{link["iosUrl"]}"' in page.text and f'href="{link["androidUrl"]}"' in page.text
        assert "15%" in page.text  # the pass a shared visit gets, drawn
        again = await anonymous.get(
            local(link["url"]) + "/web", headers={"if-none-match": page.headers["etag"]}
        )
        assert again.status_code == 304
        passes = await anonymous.get(local(link["iosUrl"]), headers=IPHONE)
        assert passes.status_code == 200  # the page's pass is the one the iPhone then gets

    async def test_a_platform_without_a_template_lands(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, templates: dict[str, int]
    ) -> None:
        body = {"iosTemplateId": templates["ios"], "payload": {}, "landingPageUrl": "https://example.com/x"}
        link = (await api.post("/v1/links/adaptive", json=body)).json()
        response = await anonymous.get(local(link["androidUrl"]))
        assert response.status_code == 302 and response.headers["location"] == "https://example.com/x"

    async def test_unknown_link(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.get("/v1/pass/adaptive/nOsUcHlInK1/ios")
        assert response.status_code == 404 and response.json()["error_code"] == "adaptive_link_not_found"
        page = await anonymous.get("/v1/pass/adaptive/nOsUcHlInK1/ios", headers={"Accept": "text/html"})
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert "This link does not exist" in page.text


class TestInstances:
    async def test_a_link_hands_out_one_pass_signed_once(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink,
        signatures: Callable[[], int],
    ) -> None:  # fmt: skip
        """Signed when made, and once more after its commit numbered it (the change clock is part of the
        signed pass's version); every later visit is served from the signed-pass cache."""
        link = await make_link()
        opened = [await anonymous.get(local(link["iosUrl"])) for _ in range(10)]
        assert all(answer.status_code == 200 for answer in opened)
        assert signatures() <= 2 and opened[-1].content == opened[-2].content
        listed = (await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}/passes")).json()
        assert listed["count"] == 1
        assert (await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}")).json()[
            "availablePasses"
        ] == 999_999

    async def test_a_personalised_link_makes_a_pass_per_visit(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, verify: Verify
    ) -> None:
        link = await make_link(isPersonalized=True)
        serials = {pass_json(verify((await anonymous.get(local(link["iosUrl"]))).content))["serialNumber"]
                   for _ in range(3)}  # fmt: skip
        assert len(serials) == 3
        assert (await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}/passes")).json()["count"] == 3

    async def test_query_parameters_set_values_and_force_a_new_pass(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, verify: Verify
    ) -> None:
        link = await make_link(locations=[
            {"latitude": 45.5898, "longitude": -122.5951, "relevantText": "Airport"},
            {"latitude": 45.525492, "longitude": -122.686092, "relevantText": "Pearl"},
            {"latitude": 40.7, "longitude": -74.0, "relevantText": "New York"},
        ], maxResultLocations=1)  # fmt: skip
        shared = pass_json(verify((await anonymous.get(local(link["iosUrl"]))).content))
        query = {"barcode": "ABC-123", "tags": "vip~spring", "exid": "guest-7", "Coupon": "40%",
                 "lat": "45.52", "long": "-122.68", "utm_source": "poster"}  # fmt: skip
        response = await anonymous.get(local(link["iosUrl"]), params=query)
        assert response.status_code == 200, response.text
        document = pass_json(verify(response.content))
        assert document["serialNumber"] != shared["serialNumber"]
        assert document["barcodes"][0]["message"] == "ABC-123"
        assert document["barcodes"][0]["altText"] == "ABC-123"
        assert [place["relevantText"] for place in document["locations"]] == ["Pearl"]
        found = (await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}/passes/id/guest-7")).json()
        full = (await api.get(f"/v1/pass/{found['passes'][0]['id']}")).json()
        assert full["fields"]["Coupon"]["value"] == "40%" and full["tags"] == ["spring", "vip"]

    async def test_base64_parameters(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, verify: Verify
    ) -> None:
        link = await make_link(parameterEncoding="base64")
        encoded = base64.urlsafe_b64encode("Zoë 42".encode()).decode().rstrip("=")
        response = await anonymous.get(local(link["iosUrl"]), params={"barcode": encoded})
        assert pass_json(verify(response.content))["barcodes"][0]["message"] == "Zoë 42"
        bad = await anonymous.get(local(link["iosUrl"]), params={"barcode": "%%%"})
        assert bad.status_code == 400 and bad.json()["details"][0]["field"] == "barcode"

    async def test_the_same_exid_gets_the_same_pass_up_to_its_limit(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, verify: Verify
    ) -> None:
        link = await make_link(installLimitPerPassExternalId=2)
        serials = [
            pass_json(verify((await anonymous.get(local(link["iosUrl"]), params={"exid": "a"})).content))[
                "serialNumber"
            ]
            for _ in range(2)
        ]
        assert serials[0] == serials[1]
        third = await anonymous.get(local(link["iosUrl"]), params={"exid": "a"})
        assert third.status_code == 410 and third.json()["error_code"] == "install_limit_reached"

    async def test_a_multi_link_visit_is_one_bundle(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, verify: Verify
    ) -> None:
        links = [await make_link(payload={"fields": {"Coupon": {"value": f"{n}%"}}}) for n in (1, 2)]
        ids = ",".join(link["adaptiveLinkId"] for link in links)
        response = await anonymous.get("/v1/pass/adaptive", params={"ids": ids, "deviceType": "ios"})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/vnd.apple.pkpasses"
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        assert len(archive.namelist()) == 2
        for name in archive.namelist():
            verify(archive.read(name))
        too_many = await anonymous.get("/v1/pass/adaptive", params={"ids": ",".join(["x"] * 11)})
        assert too_many.status_code == 400


class TestRefusals:
    async def test_exhausted_link(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink
    ) -> None:
        link = await make_link(isPersonalized=True, availablePasses=1)
        assert (await anonymous.get(local(link["iosUrl"]))).status_code == 200
        refused = await anonymous.get(local(link["iosUrl"]))
        assert refused.status_code == 410 and refused.json()["error_code"] == "adaptive_link_exhausted"
        page = await anonymous.get(local(link["iosUrl"]), headers={"Accept": "text/html,*/*"})
        assert page.status_code == 410 and "no longer available" in page.text
        assert (await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}/passes")).json()["count"] == 1

    async def test_install_limit(self, anonymous: httpx.AsyncClient, make_link: MakeLink) -> None:
        link = await make_link(installLimit=2)
        assert [(await anonymous.get(local(link["iosUrl"]))).status_code for _ in range(3)] == [200, 200, 410]

    async def test_expired_link(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, utc_clock: AheadClock
    ) -> None:
        link = await make_link(expirationDate="2027-01-10")
        assert (await anonymous.get(local(link["iosUrl"]))).status_code == 200
        utc_clock.advance(400 * DAY)
        refused = await anonymous.get(local(link["iosUrl"]))
        assert refused.status_code == 410 and refused.json()["error_code"] == "adaptive_link_expired"
        assert (await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}")).json()["isExpired"] is True

    async def test_idle_link_expires_after_its_ttl(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, utc_clock: AheadClock
    ) -> None:
        link = await make_link(ttlInDays=3)
        utc_clock.advance(2 * DAY)
        assert (await anonymous.get(local(link["iosUrl"]))).status_code == 200  # used: the TTL starts again
        utc_clock.advance(2 * DAY)
        assert (await anonymous.get(local(link["iosUrl"]))).status_code == 200
        utc_clock.advance(5 * DAY)
        assert (await anonymous.get(local(link["iosUrl"]))).status_code == 410


class TestCost:
    async def test_a_repeat_visit_to_a_shared_pass_is_the_one_lookup(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database
    ) -> None:
        """The first visit makes the pass; the next one (after the commit numbered it) signs it and keeps
        it under its stamp; from then on a visit is the link's one lookup (see ``test_visit_cache``)."""
        link = await make_link()
        first = [(await anonymous.get(local(link["iosUrl"]))).content for _ in range(2)][-1]
        with statements(database) as sent:
            answer = await anonymous.get(local(link["iosUrl"]))
        assert answer.status_code == 200 and answer.content == first
        assert len(sent) == 1 and "adaptive_links.public_id = " in sent[0], "\n\n".join(sent)


class TestDetection:
    @pytest.mark.parametrize(
        ("headers", "platform"),
        [
            (IPHONE, "ios"),
            ({"User-Agent": "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15"}, "ios"),
            (ANDROID, "android"),
            ({"User-Agent": "WalletPasses/3.2 (Linux)"}, "android"),
            (DESKTOP, "web"),
            ({}, "web"),
        ],
    )
    def test_the_platform_comes_from_the_user_agent(self, headers: dict[str, str], platform: str) -> None:
        lowered = {name.lower(): value for name, value in headers.items()}
        assert visits.detect(lowered).value == platform


class TestRaces:
    async def test_racing_first_visits_share_one_pass(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink
    ) -> None:
        link = await make_link()
        answers = await asyncio.gather(*(anonymous.get(local(link["iosUrl"])) for _ in range(4)))
        assert [answer.status_code for answer in answers] == [200] * 4
        listed = (await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}/passes")).json()
        assert listed["count"] == 1
