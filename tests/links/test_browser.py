"""An adaptive link opened by a desktop Chromium (Debian's ``chromium``, driven by Playwright): its landing
page drawn, the QR code and barcode decoded from a screenshot (zxing-cpp), both wallet buttons followed
(a ``.pkpass`` that openssl verifies; a save link whose JWT verifies and names the link's Google class),
and axe-core's check. One browser per session (``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import anyio
import httpx
import pytest
from playwright.async_api import Browser, Page

from passmint.certificates.google_accounts import dev_google_account
from passmint.config import Settings
from passmint.google import ids
from tests.google.test_save_links import SAVE_URL, verified
from tests.links.conftest import MakeLink
from tests.passes.conftest import Verify, pass_json
from tests.support.browser import CHROMIUM, NO_CHROMIUM, READABLE, axe_problems, context_on_app, decoded

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
READABLE_PAYLOAD = {"headers": {name: {"value": value} for name, value in READABLE.items()}}


@pytest.fixture
async def desktop(browser: Browser, anonymous: httpx.AsyncClient) -> AsyncIterator[Page]:
    context = await context_on_app(browser, anonymous, viewport={"width": 1280, "height": 900})
    opened = await context.new_page()
    yield opened
    await context.close()


class TestAdaptiveLinkInChromium:
    async def test_the_landing_page_is_drawn_decoded_and_both_buttons_work(
        self,
        desktop: Page,
        api: httpx.AsyncClient,
        make_link: MakeLink,
        templates: dict[str, int],
        settings: Settings,
        verify: Verify,
        tmp_path: Path,
    ) -> None:
        link = await make_link(payload=READABLE_PAYLOAD)
        url = link["url"]
        opened = await desktop.goto(url)
        assert opened is not None and opened.status == 200
        assert "public" in opened.headers["cache-control"]  # the same page for everyone
        shot = tmp_path / "adaptive-landing.png"
        await desktop.screenshot(path=shot, full_page=True)
        assert shot.stat().st_size > 10_000
        assert decoded(await desktop.locator("[data-qr] svg").screenshot()) == [url]
        assert decoded(await desktop.locator("[data-barcode] svg").screenshot()) == ["START"]

        apple = desktop.locator('a[data-wallet="apple"]')
        assert await apple.get_attribute("href") == link["iosUrl"]
        async with desktop.expect_download() as waiting:
            await apple.click()
        download = await waiting.value
        files = verify(await anyio.Path(await download.path()).read_bytes())  # openssl smime -verify
        assert pass_json(files)["barcodes"][0]["message"] == "START"

        google = desktop.locator('a[data-wallet="google"]')
        assert await google.get_attribute("href") == link["androidUrl"]
        async with desktop.expect_request(lambda request: request.url.startswith(SAVE_URL)) as saving:
            await google.click()  # the app's 302 is followed to Google (answered locally, never reached)
        token = urlsplit((await saving.value).url).path.rsplit("/", 1)[-1]
        claims = verified(token, settings)
        issuer = dev_google_account(settings.data_dir).issuer_id
        objects = [
            body for key, bodies in claims["payload"].items() if key.endswith("Objects") for body in bodies
        ]
        assert [body["classId"] for body in objects] == [ids.class_id(issuer, templates["android"])]

    async def test_no_serious_accessibility_problem(
        self, browser: Browser, anonymous: httpx.AsyncClient, make_link: MakeLink
    ) -> None:
        # The pass keeps its designer's colours (chosen readable here): axe-core judges the page around it.
        link = await make_link(payload=READABLE_PAYLOAD)
        context = await context_on_app(browser, anonymous, bypass_csp=True)  # axe is a script
        page = await context.new_page()
        await page.goto(link["url"])
        problems = await axe_problems(page)
        await context.close()
        assert problems == [], [(item["id"], [node["target"] for node in item["nodes"]]) for item in problems]

    async def test_a_visitors_page_leads_the_phone_to_the_visitors_pass(
        self, desktop: Page, make_link: MakeLink
    ) -> None:
        link = await make_link(payload=READABLE_PAYLOAD)
        await desktop.goto(link["url"] + "?exid=member-7&utm_source=poster")
        expected = link["url"] + "?exid=member-7&utm_source=poster"
        assert decoded(await desktop.locator("[data-qr] svg").screenshot()) == [expected]
        assert decoded(await desktop.locator("[data-barcode] svg").screenshot()) == ["START"]  # the preview
        apple = desktop.locator('a[data-wallet="apple"]')
        assert await apple.get_attribute("href") == link["iosUrl"] + "?exid=member-7&utm_source=poster"
