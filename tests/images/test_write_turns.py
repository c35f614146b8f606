"""A change fetches its images before its first write: while it waits on a slow image server, other
writers go on (on SQLite a transaction holds the process's write turn from its first write to commit).

The image server holds its answer until the test releases it, or for ``GUARD`` seconds: when the change
held the write turn while fetching, the other write could only finish after the image was answered.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from passmint.deps import get_http_client, get_image_source
from passmint.images.sources import ImageSource
from tests.factories import apple_template, create_pass, create_project, create_template, data_url, png
from tests.images import PNG, ROUTES, ImageServer

GUARD = 10.0
"""Seconds the held image waits for the test at most (only reached when the change holds writers up)."""


@dataclass
class HeldImage:
    """An image URL whose answer waits for ``release``; ``events`` records what finished, in order."""

    url: str
    asked: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    events: list[str] = field(default_factory=list)

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        self.asked.set()
        self.release.wait(GUARD)
        self.events.append("image answered")
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.send_header("Content-Length", str(len(PNG)))
        handler.end_headers()
        handler.wfile.write(PNG)

    async def while_fetching(
        self, change: Awaitable[httpx.Response], other_write: Callable[[], Awaitable[Any]]
    ) -> httpx.Response:
        """Start ``change``; once it asks for the image, make ``other_write``, then release the image."""
        started = asyncio.ensure_future(change)
        assert await asyncio.to_thread(self.asked.wait, GUARD), "the change never asked for the image"
        await other_write()
        self.events.append("other write done")
        self.release.set()
        return await started


@pytest.fixture
async def held_image(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[HeldImage]:
    """The app fetching images from a local server (private addresses allowed) with one held path."""

    def local_images(request: Request) -> ImageSource:
        return ImageSource(get_http_client(request), allow_private=True)

    with ImageServer() as server:
        held = HeldImage(server.url("/held.png"))
        monkeypatch.setitem(ROUTES, "/held.png", held.answer)
        monkeypatch.setitem(app.dependency_overrides, get_image_source, local_images)
        yield held
        held.release.set()


def two_images(held: HeldImage) -> dict[str, Any]:
    """Image headers: one stored at once (a data: URL), then the held one."""
    return {
        "icon_image": {"value": data_url(png(29, 29, (1, 2, 3)))},
        "logo_image": {"value": held.url},
    }


async def test_a_template_create_fetching_an_image_holds_no_other_writer(
    api: httpx.AsyncClient, held_image: HeldImage
) -> None:
    project = await create_project(api)
    body = apple_template()
    body["headers"] |= two_images(held_image)
    created = await held_image.while_fetching(
        api.post(f"/v1/template/{project['id']}", json=body), lambda: create_project(api, name="Other")
    )
    assert held_image.events == ["other write done", "image answered"]
    assert created.status_code == 200, created.text


async def test_a_pass_create_fetching_an_image_holds_no_other_writer(
    api: httpx.AsyncClient, held_image: HeldImage
) -> None:
    template_id = await create_template(api, (await create_project(api))["id"])
    created = await held_image.while_fetching(
        api.post(f"/v1/pass/{template_id}", json={"headers": two_images(held_image)}),
        lambda: create_project(api, name="Other"),
    )
    assert held_image.events == ["other write done", "image answered"]
    assert created.status_code == 200, created.text


async def test_a_pass_update_fetching_an_image_holds_no_other_writer(
    api: httpx.AsyncClient, held_image: HeldImage
) -> None:
    template_id = await create_template(api, (await create_project(api))["id"])
    pass_id = (await create_pass(api, template_id))["id"]
    body = {"headers": {"logo_image": {"value": held_image.url}}}
    updated = await held_image.while_fetching(
        api.put(f"/v1/pass/{pass_id}", json=body), lambda: create_project(api, name="Other")
    )
    assert held_image.events == ["other write done", "image answered"]
    assert updated.status_code == 200, updated.text


async def test_a_change_to_all_passes_fetching_an_image_holds_no_other_writer(
    api: httpx.AsyncClient, held_image: HeldImage
) -> None:
    template_id = await create_template(api, (await create_project(api))["id"])
    await create_pass(api, template_id)
    updated = await held_image.while_fetching(
        api.put(f"/v1/template/{template_id}/passes", json={"headers": two_images(held_image)}),
        lambda: create_project(api, name="Other"),
    )
    assert held_image.events == ["other write done", "image answered"]
    assert updated.status_code == 200, updated.text
