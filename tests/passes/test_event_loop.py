"""Heavy work (decoding a data: URL, checking an image, signing a pass) never blocks the event loop:
while it runs, in a worker thread, the same process answers other requests.

Each heavy function is wrapped to note the thread it runs in and to hold on until a cheap request
has been answered meanwhile: run on the event loop, it would hold that request up instead.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from passmint.images import convert, fetch
from passmint.passes import downloads
from passmint.wallets import apple as apple_wallet
from tests.factories import apple_template, create_pass, create_project


class Held:
    """Wraps ``function``: notes its thread, then waits until ``release()`` (or 30 s, as a guard)."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.threads: list[int] = []
        self.entered = threading.Event()
        self.released = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.get_ident())
        self.entered.set()
        self.released.wait(timeout=30)
        return self.function(*args, **kwargs)

    async def while_running(
        self, heavy: Awaitable[httpx.Response], cheap: Callable[[], Awaitable[httpx.Response]]
    ) -> tuple[httpx.Response, httpx.Response]:
        """Start ``heavy``; once the wrapped function runs, send ``cheap`` and let it finish first."""
        started = asyncio.ensure_future(heavy)
        await asyncio.to_thread(self.entered.wait, 30)
        answered = await cheap()
        finished_first = not started.done()
        self.released.set()
        assert finished_first, "the heavy request ended before the cheap one was answered"
        return await started, answered


@pytest.fixture
def loop_thread() -> int:
    return threading.get_ident()


@pytest.mark.parametrize(("module", "name"), [(convert, "to_png"), (fetch, "read_data_url")])
async def test_an_image_is_decoded_and_checked_off_the_loop(
    api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, loop_thread: int, module: Any, name: str
) -> None:
    project = await create_project(api)
    held = Held(getattr(module, name))
    monkeypatch.setattr(module, name, held)
    created, listed = await held.while_running(
        api.post(f"/v1/template/{project['id']}", json=apple_template()), lambda: api.get("/v1/project")
    )
    assert created.status_code == 200, created.text
    assert listed.status_code == 200
    assert held.threads and loop_thread not in held.threads


async def test_a_pass_is_signed_off_the_loop(
    api: httpx.AsyncClient, template_id: int, monkeypatch: pytest.MonkeyPatch, loop_thread: int
) -> None:
    pass_id = (await create_pass(api, template_id))["id"]
    held = Held(apple_wallet.build_pkpass)
    monkeypatch.setattr(apple_wallet, "build_pkpass", held)
    downloaded, listed = await held.while_running(
        api.get(f"/v1/pass/{pass_id}/download"), lambda: api.get("/v1/pass")
    )
    assert downloaded.status_code == 200
    assert downloaded.headers["Content-Type"] == downloads.PKPASS
    assert listed.status_code == 200
    assert held.threads == [held.threads[0]] and held.threads[0] != loop_thread
