"""Fixtures of the image tests: a local image server (one per module) and a plain HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.images import ImageServer


@pytest.fixture(scope="module")
def running_server() -> Iterator[ImageServer]:
    with ImageServer() as server:
        yield server


@pytest.fixture
def server(running_server: ImageServer) -> ImageServer:
    return running_server.forget()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10, follow_redirects=False) as client:
        yield client
