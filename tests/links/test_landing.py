"""Who gets an adaptive link's landing page, what a personalised link's page shows, and how caches may
keep it (the same page for everyone: public with an ETag; a personalised link's or a query's: private)."""

from __future__ import annotations

import html
import io
import re
import zipfile
from urllib.parse import urlencode

import httpx
import pytest

from passmint.db import Database
from tests.links.conftest import ANDROID, DESKTOP, IPHONE, MakeLink, local
from tests.passes.conftest import Verify, pass_json
from tests.support.statements import statements

HTML = "text/html"
UNKNOWN_DEVICES = [
    {"User-Agent": "Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)"},
    {"User-Agent": "curl/8.5.0"},
    {},
]


async def passes_left(api: httpx.AsyncClient, link: dict[str, object]) -> int:
    found = await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}")
    return int(found.json()["availablePasses"])


class TestWhoLands:
    @pytest.mark.parametrize("headers", [DESKTOP, IPHONE, ANDROID])
    async def test_the_web_address_is_the_page_on_any_device(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, headers: dict[str, str]
    ) -> None:
        link = await make_link()
        for path in (local(link["url"]) + "/web", local(link["url"]) + "?deviceType=web"):
            response = await anonymous.get(path, headers=headers)
            assert response.status_code == 200 and response.headers["content-type"].startswith(HTML)

    @pytest.mark.parametrize("headers", UNKNOWN_DEVICES)
    async def test_an_unknown_device_gets_the_page(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, headers: dict[str, str]
    ) -> None:
        link = await make_link()
        response = await anonymous.get(local(link["url"]), headers=headers)
        assert response.status_code == 200 and response.headers["content-type"].startswith(HTML)
        assert f'href="{link["iosUrl"]}"' in response.text

    @pytest.mark.parametrize(
        ("half", "shown", "hidden"), [("ios", "apple", "google"), ("android", "google", "apple")]
    )
    async def test_a_link_of_one_platform_offers_its_button(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, templates: dict[str, int],
        half: str, shown: str, hidden: str,
    ) -> None:  # fmt: skip
        body = {f"{half}TemplateId": templates[half], "payload": {}}
        link = (await api.post("/v1/links/adaptive", json=body)).json()
        page = await anonymous.get(local(link["url"]), headers=DESKTOP)
        assert page.status_code == 200 and page.headers["content-type"].startswith(HTML)
        assert f'data-wallet="{shown}"' in page.text and f'data-wallet="{hidden}"' not in page.text


class TestCaching:
    async def test_the_same_page_for_everyone_is_public_and_revalidated(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink
    ) -> None:
        link = await make_link()
        first = await anonymous.get(local(link["url"]), headers=DESKTOP)
        assert first.headers["cache-control"] == "public, no-cache"
        assert "User-Agent" in first.headers["vary"] and "Accept-Language" in first.headers["vary"]
        web = await anonymous.get(local(link["url"]) + "/web", headers=DESKTOP)
        assert web.headers["etag"] == first.headers["etag"]  # one page, whichever address
        again = await anonymous.get(
            local(link["url"]), headers=DESKTOP | {"If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304 and again.content == b""
        assert again.headers["cache-control"] == "public, no-cache"

    async def test_a_personalised_links_page_is_private(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink
    ) -> None:
        link = await make_link(isPersonalized=True)
        page = await anonymous.get(local(link["url"]), headers=DESKTOP)
        assert page.status_code == 200 and page.headers["cache-control"] == "private, no-cache"
        again = await anonymous.get(
            local(link["url"]), headers=DESKTOP | {"If-None-Match": page.headers["etag"]}
        )
        assert again.status_code == 304 and again.headers["cache-control"] == "private, no-cache"

    async def test_a_page_with_a_query_is_private_and_passes_it_on(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink
    ) -> None:
        link = await make_link()
        page = await anonymous.get(local(link["url"]) + "?exid=member-7&deviceType=web", headers=DESKTOP)
        assert page.headers["cache-control"] == "private, no-cache"
        text = html.unescape(page.text)
        for address in (link["url"], link["iosUrl"], link["androidUrl"]):
            assert f'href="{address}?exid=member-7"' in text  # the phone's pass gets the visitor's values
        assert "member-7" not in text.replace("?exid=member-7", "")  # the preview is not the visitor's


class TestSeveralLinks:
    async def test_the_page_of_several_links_installs_them_all(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink
    ) -> None:
        links = [await make_link(payload={"fields": {"Coupon": {"value": f"{n}%"}}}) for n in (1, 2)]
        ids = ",".join(link["adaptiveLinkId"] for link in links)
        page = await anonymous.get("/v1/pass/adaptive", params={"ids": ids}, headers=DESKTOP)
        assert page.status_code == 200 and page.headers["cache-control"] == "public, no-cache"
        text = html.unescape(page.text)
        every = "http://localhost/v1/pass/adaptive?" + urlencode({"ids": ids})
        assert f'href="{every}"' in text  # the QR code's address
        apple = re.search(r'href="([^"]+)" lang="[^"]*" aria-label="[^"]*" data-wallet="apple"', text)
        assert apple is not None and apple.group(1) == f"{every}&deviceType=ios"
        bundle = await anonymous.get(local(apple.group(1)), headers=DESKTOP)
        assert bundle.headers["content-type"] == "application/vnd.apple.pkpasses"
        assert len(zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()) == 2
        google = await anonymous.get(local(f"{every}&deviceType=android"), headers=DESKTOP)
        assert google.status_code == 302 and f'href="{every}&deviceType=android"' in text


class TestPersonalisedLinkPage:
    """The page of a personalised link previews the link's shared pass: made (and signed) by the first
    page view, it takes one of ``availablePasses`` once; each phone still gets a pass of its own."""

    async def test_the_preview_is_made_once_and_phones_get_their_own(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, verify: Verify
    ) -> None:
        link = await make_link(isPersonalized=True, availablePasses=10)
        for _ in range(3):
            page = await anonymous.get(local(link["url"]), headers=DESKTOP)
            assert page.status_code == 200
        assert await passes_left(api, link) == 9  # the preview's pass, once
        serials = set()
        for _ in range(2):
            phone = await anonymous.get(local(link["iosUrl"]), headers=IPHONE)
            serials.add(pass_json(verify(phone.content))["serialNumber"])
        assert len(serials) == 2 and await passes_left(api, link) == 7
        made = await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}/passes")
        assert len(made.json()["passes"]) == 3  # the preview's and the two phones'


class TestCost:
    async def test_a_repeat_page_view_writes_nothing(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database
    ) -> None:
        link = await make_link()
        first = await anonymous.get(local(link["url"]), headers=DESKTOP)
        assert first.status_code == 200
        for headers in (DESKTOP, DESKTOP | {"If-None-Match": first.headers["etag"]}):
            with statements(database) as sent:
                assert (await anonymous.get(local(link["url"]), headers=headers)).status_code in (200, 304)
            writes = [s for s in sent if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
            assert writes == [], "\n\n".join(sent)
            assert "adaptive_links.public_id = " in sent[0]
            # the link (one indexed lookup), its shared pass, and what drawing it reads (account, template
            # and project, places, the signed file): the page and the unzipped pass are kept, nothing signed
            assert len(sent) <= 8, "\n\n".join(sent)
