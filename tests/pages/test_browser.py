"""The landing page in a real headless Chromium (Debian's ``chromium``, driven by Playwright): drawn,
its QR code and barcode decoded from a screenshot (zxing-cpp), its buttons followed, checked by axe-core.

One browser for the session; each test a fresh context whose requests to ``http://localhost`` are
answered by the app in process, so the browser's own headers (User-Agent, Accept) choose the page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import httpx
import pytest
from playwright.async_api import Browser, Page
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings
from passmint.models import Pass
from passmint.pages import render_landing
from passmint.passes.downloads import record_of
from passmint.wallets.apple import PKPASS
from tests.pages.conftest import make_pass
from tests.support.browser import CHROMIUM, NO_CHROMIUM, READABLE, axe_problems, context_on_app, decoded

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
GOOGLE_SAVE = "https://pay.google.com/gp/v/save/test-jwt"


@pytest.fixture
async def page(browser: Browser, anonymous: httpx.AsyncClient) -> AsyncIterator[Page]:
    context = await context_on_app(browser, anonymous, viewport={"width": 1280, "height": 900})
    opened = await context.new_page()
    yield opened
    await context.close()


class TestPublicLinkInChromium:
    async def test_drawn_decoded_and_installable(
        self, page: Page, api: httpx.AsyncClient, tmp_path: Path
    ) -> None:
        created = await make_pass(api, "pdf417", "M-1")
        url = created["publicUrl"]["path"]
        refused: list[str] = []
        page.on(
            "console",
            lambda message: refused.append(message.text) if "Security Policy" in message.text else None,
        )

        await page.goto(url)
        shot = tmp_path / "landing.png"
        await page.screenshot(path=shot, full_page=True)
        assert shot.stat().st_size > 10_000
        assert refused == []  # the page's own policy lets its stylesheet and images in
        background = await page.locator(".pass").evaluate("e => getComputedStyle(e).backgroundColor")
        assert background == "rgb(49, 159, 196)"  # the template's background_color
        assert decoded(await page.locator("[data-qr] svg").screenshot()) == [url]
        assert decoded(await page.locator("[data-barcode] svg").screenshot()) == ["M-1"]

        apple = page.locator('a[data-wallet="apple"]')
        assert await apple.get_attribute("href") == f"{url}?form=pkpass"
        assert await page.locator('a[data-wallet="google"]').count() == 0
        async with page.expect_download() as waiting:
            await apple.click()
        download = await waiting.value
        file = anyio.Path(await download.path())
        own = await api.get(f"/v1/pass/{created['id']}/download")
        assert own.headers["content-type"] == PKPASS and await file.read_bytes() == own.content

    @pytest.mark.parametrize(("kind", "message"), [("qr", "Q-42"), ("aztec", "A-42"), ("code128", "C-42")])
    async def test_every_wallet_barcode_decodes(
        self, page: Page, api: httpx.AsyncClient, kind: str, message: str
    ) -> None:
        created = await make_pass(api, kind, message)
        await page.goto(created["publicUrl"]["path"])
        assert decoded(await page.locator("[data-barcode] svg").screenshot()) == [message]

    async def test_reads_on_a_phone_width(
        self, browser: Browser, anonymous: httpx.AsyncClient, api: httpx.AsyncClient, tmp_path: Path
    ) -> None:
        created = await make_pass(api)
        context = await context_on_app(browser, anonymous, viewport={"width": 360, "height": 740})
        narrow = await context.new_page()
        await narrow.goto(created["publicUrl"]["path"] + "?form=page")
        await narrow.screenshot(path=tmp_path / "landing-phone.png", full_page=True)
        overflow = await narrow.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        await context.close()
        assert overflow <= 0


class TestRenderLandingInChromium:
    """``render_landing`` as the adaptive links call it: both buttons, and axe-core's check."""

    async def test_both_buttons_and_no_serious_accessibility_problem(
        self,
        browser: Browser,
        anonymous: httpx.AsyncClient,
        api: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
    ) -> None:
        created = await make_pass(api, "qr", "M-7", **READABLE)
        pass_ = await session.get(Pass, created["id"])
        assert pass_ is not None
        record = await record_of(session, pass_)
        link = "http://localhost/v1/pass/adaptive/abc"
        html = await render_landing(
            session,
            record,
            settings,
            page_url=link,
            apple_url=created["publicUrl"]["path"] + "?form=pkpass",
            google_url=GOOGLE_SAVE,
            accept_language="en-GB,en;q=0.8",
        )
        context = await context_on_app(browser, anonymous, bypass_csp=True)  # axe is a script
        page = await context.new_page()
        await page.set_content(html)
        assert decoded(await page.locator("[data-qr] svg").screenshot()) == [link]
        assert decoded(await page.locator("[data-barcode] svg").screenshot()) == ["M-7"]
        google = page.locator('a[data-wallet="google"]')
        assert await google.get_attribute("href") == GOOGLE_SAVE
        assert await google.inner_text() == "Add to Google Wallet"
        async with page.expect_request(GOOGLE_SAVE):
            await google.click()
        await page.set_content(html)
        problems = await axe_problems(page)
        await context.close()
        assert problems == [], [(item["id"], [node["target"] for node in item["nodes"]]) for item in problems]
