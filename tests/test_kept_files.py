"""A signed pass's repeat fetches answered before routing (``kept_files.KeptFiles``) get the route's own
answer, byte for byte, and whatever the kept file cannot answer reaches the route."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from passmint.app import create_app
from passmint.config import Settings
from passmint.db import Database
from passmint.kept_files import KeptFiles
from tests.conftest import ApiClient
from tests.factories import create_pass, create_project, create_template
from tests.registrations.test_webservice import PASS_TYPE, Phone
from tests.registrations.test_webservice import issued as issued
from tests.registrations.test_webservice import phone as phone
from tests.support.clock import stand_still
from tests.support.statements import statements

LATER = "Fri, 01 Jan 2100 00:00:00 GMT"
"""An If-Modified-Since after every change (one within the same second as a change downloads again)."""


@pytest.fixture(autouse=True)
def standing_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both apps date their answers alike."""
    stand_still(monkeypatch)


@pytest.fixture
async def routed(settings: Settings) -> AsyncIterator[FastAPI]:
    """The app without ``KeptFiles``, on the same database: every request answered by its route."""
    app = create_app(settings)
    app.user_middleware = [entry for entry in app.user_middleware if entry.cls is not KeptFiles]
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def routes_reached(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The paths of the requests that reached the app's routes (not answered before routing)."""
    reached: list[str] = []
    dispatch = app.router.middleware_stack

    async def counted(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            reached.append(scope["path"])
        await dispatch(scope, receive, send)

    monkeypatch.setattr(app.router, "middleware_stack", counted)
    yield reached


async def both(routed: FastAPI, client: httpx.AsyncClient, path: str, **headers: str) -> httpx.Response:
    """``GET path`` through the app, checked to be what the route alone answers."""
    answered = await client.get(path, headers=headers)
    transport = httpx.ASGITransport(app=routed)
    base, sent = client.base_url, client.headers
    async with httpx.AsyncClient(transport=transport, base_url=base, headers=sent) as other:
        expected = await other.get(path, headers=headers)
    assert answered.status_code == expected.status_code, answered.text
    assert answered.content == expected.content
    assert answered.headers.multi_items() == expected.headers.multi_items()
    return answered


@pytest.fixture
async def pass_(api: ApiClient) -> dict[str, Any]:
    project = await create_project(api)
    template_id = await create_template(api, project["id"])
    return await create_pass(api, f"{template_id}/id/kept-1")


async def test_a_repeat_download_is_answered_from_the_kept_file(
    api: ApiClient, database: Database, routed: FastAPI, routes_reached: list[str], pass_: dict[str, Any]
) -> None:
    path = f"/v1/pass/{pass_['id']}/download"
    routes_reached.clear()
    first = await api.get(path)  # signed by the route, then kept
    assert first.status_code == 200 and routes_reached == [path]
    with statements(database) as sent:
        again = await both(routed, api, path)
    assert again.content == first.content
    assert routes_reached == [path] and len(sent) == 1  # its one lookup (the routed app has its own engine)
    assert (await both(routed, api, "/v1/pass/id/kept-1/download")).content == first.content
    unchanged = await both(routed, api, path, **{"If-Modified-Since": LATER})
    assert unchanged.status_code == 304 and routes_reached == [path]


async def test_what_the_kept_file_cannot_answer_reaches_the_route(
    api: ApiClient, routed: FastAPI, routes_reached: list[str], pass_: dict[str, Any]
) -> None:
    path = f"/v1/pass/{pass_['id']}/download"
    assert (await api.get(path)).status_code == 200
    changed = await api.put(f"/v1/pass/{pass_['id']}", json={"fields": {"Coupon": {"value": "7%"}}})
    assert changed.status_code == 200, changed.text
    routes_reached.clear()
    assert (await api.get(path)).status_code == 200  # changed: signed again, by the route
    assert routes_reached == [path]
    refused = {
        "/v1/pass/999999/download": {},  # no such pass: 404
        "/v1/pass/id/nobody/download": {},
        f"{path}?x=%00": {},  # a parameter no database stores: 400
        path: {"Api-Revision": "9.9"},  # a revision this API does not speak: 400
    }
    for refused_path, headers in refused.items():
        routes_reached.clear()
        answer = await both(routed, api, refused_path, **headers)
        assert answer.status_code in (400, 404) and len(routes_reached) == 1, (refused_path, answer.text)


async def test_another_account_does_not_get_the_kept_file(
    api: ApiClient, new_api: Any, routed: FastAPI, pass_: dict[str, Any]
) -> None:
    path = f"/v1/pass/{pass_['id']}/download"
    assert (await api.get(path)).status_code == 200
    assert (await both(routed, await new_api(), path)).status_code == 404


async def test_a_devices_fetch_is_answered_from_the_kept_file(
    phone: Phone, routed: FastAPI, routes_reached: list[str]
) -> None:
    routes_reached.clear()
    first = await phone.latest()
    assert first.status_code == 200 and len(routes_reached) == 1
    path = f"/apple/v1/passes/{PASS_TYPE}/{phone.pass_['serialNumber']}"
    again = await both(routed, phone.client, path, **phone.auth())
    assert again.content == first.content and len(routes_reached) == 1
    since = phone.auth() | {"If-Modified-Since": LATER}
    assert (await both(routed, phone.client, path, **since)).status_code == 304
    assert len(routes_reached) == 1
    wrong = {
        path: phone.auth("not-the-token"),  # 401
        path.replace(PASS_TYPE, "pass.other.type"): phone.auth(),  # 401: not the pass's type
        f"/apple/v1/passes/{PASS_TYPE}/no-such-serial": phone.auth(),
    }
    for wrong_path, headers in wrong.items():
        routes_reached.clear()
        answer = await both(routed, phone.client, wrong_path, **headers)
        assert answer.status_code == 401 and routes_reached == [wrong_path], answer.text
