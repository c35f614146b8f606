"""A project with an Apple and a Google template, and a way to make adaptive links of them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.factories import GOOGLE_TEMPLATE, apple_template, create_project, create_template
from tests.passes.conftest import verify as verify
from tests.pushes.conftest import apns, push_context  # noqa: F401 - fixtures the multiple-link tests use

IPHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Safari"}
ANDROID = {"User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124 Mobile"}
DESKTOP = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"}
MakeLink = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
async def project(api: httpx.AsyncClient) -> dict[str, Any]:
    return await create_project(api, "/v1/project/id/links-project")


@pytest.fixture
async def templates(api: httpx.AsyncClient, project: dict[str, Any]) -> dict[str, int]:
    barcode = {"barcode_value": {"fieldType": "barcode", "value": "START"}, "barcode_type": {
        "fieldType": "barcode", "value": "QR"}}  # fmt: skip
    body = apple_template()
    body["headers"] = body["headers"] | barcode
    apple = await create_template(api, project["id"], body, suffix="/id/apple-card")
    google = await create_template(api, project["id"], GOOGLE_TEMPLATE, suffix="/id/google-card")
    return {"ios": apple, "android": google}


@pytest.fixture
def make_link(api: httpx.AsyncClient, templates: dict[str, int]) -> MakeLink:
    async def make(path: str = "/v1/links/adaptive", **body: Any) -> dict[str, Any]:
        sent = {"iosTemplateId": templates["ios"], "androidTemplateId": templates["android"], "payload": {}}
        response = await api.post(path, json=sent | body)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    return make


def local(url: str) -> str:
    return url.removeprefix("http://localhost")
