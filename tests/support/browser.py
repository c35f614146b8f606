"""A headless Chromium for the page tests (Debian's ``chromium``, driven by Playwright): one per session
(the ``browser`` fixture of ``tests/conftest.py``), contexts whose requests to ``http://localhost`` the app
answers in process, barcodes read from screenshots (zxing-cpp) and axe-core's accessibility check."""

from __future__ import annotations

import io
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import zxingcpp
from PIL import Image
from playwright.async_api import Browser, BrowserContext, Page, Route, async_playwright

CHROMIUM = shutil.which("chromium")
AXE = Path(__file__).parents[1] / "pages" / "vendor" / "axe.min.js"
NO_CHROMIUM = "Debian's chromium is not installed (apt-get install chromium; .ci/run does)"
READABLE = {
    "background_color": "rgb(0,61,122)",
    "foreground_color": "rgb(255,255,255)",
    "logo_color": "rgb(255,214,10)",
}
"""Colours a designer chose for contrast: a preview keeps a pass's own colours, so axe-core's contrast
check is about the design; with these, everything it finds is about the page."""


@asynccontextmanager
async def launched() -> AsyncIterator[Browser]:
    assert CHROMIUM is not None
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        await browser.close()


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


def decoded(png: bytes) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


async def axe_problems(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of the page."""
    await page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    results = await page.evaluate("async () => (await axe.run(document)).violations")
    return [item for item in results if item["impact"] in ("serious", "critical")]
