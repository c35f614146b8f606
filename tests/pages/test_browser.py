"""The landing page in a real headless Chromium (Debian's ``chromium``, driven by Playwright): drawn,
its QR code and barcode decoded from a screenshot (zxing-cpp), its buttons followed, checked by axe-core.

One browser for the session; each test a fresh context whose requests to ``http://localhost`` are
answered by the app in process, so the browser's own headers (User-Agent, Accept) choose the page."""

from __future__ import annotations

import io
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import zxingcpp
from PIL import Image
from playwright.async_api import Browser, BrowserContext, Page, Route, async_playwright
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings
from passmint.models import Pass
from passmint.pages import render_landing
from passmint.passes.downloads import record_of
from passmint.wallets.apple import PKPASS
from tests.pages.conftest import make_pass

CHROMIUM = shutil.which("chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does)"
)
READABLE = {
    "background_color": "rgb(0,61,122)",
    "foreground_color": "rgb(255,255,255)",
    "logo_color": "rgb(255,214,10)",
}
GOOGLE_SAVE = "https://pay.google.com/gp/v/save/test-jwt"


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    assert CHROMIUM is not None
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        await launched.close()


async def context_on_app(browser: Browser, client: httpx.AsyncClient, **options: Any) -> BrowserContext:
    """A browser context whose requests to http://localhost go to the app; nothing else is reached."""
    context = await browser.new_context(device_scale_factor=2, **options)

    async def forward(route: Route) -> None:
        request = route.request
        headers = {name: value for name, value in request.headers.items() if name != "host"}
        answer = await client.request(request.method, request.url, headers=headers)
        await route.fulfill(status=answer.status_code, headers=dict(answer.headers), body=answer.content)

    async def elsewhere(route: Route) -> None:
        await route.fulfill(status=204)

    await context.route("**/*", elsewhere)
    await context.route("http://localhost/**", forward)
    return context


@pytest.fixture
async def page(browser: Browser, anonymous: httpx.AsyncClient) -> AsyncIterator[Page]:
    context = await context_on_app(browser, anonymous, viewport={"width": 1280, "height": 900})
    opened = await context.new_page()
    yield opened
    await context.close()


def decoded(png: bytes) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


async def axe_problems(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of the page."""
    await page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    results = await page.evaluate("async () => (await axe.run(document)).violations")
    return [item for item in results if item["impact"] in ("serious", "critical")]


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
        # Colours a designer chose for contrast: the preview keeps a pass's own colours, whatever they are,
        # so axe-core's contrast check is about the design; everything else is about the page.
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
