"""Ids and text in paths and query strings: whatever a client sends is a clear 400 or the right answer,
never a 500 (ids beyond a 64-bit column, digits other than 0-9, NUL characters)."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from passmint.kit.ids import MAX_ID
from tests.factories import create_pass, create_project, create_template

TOO_BIG = MAX_ID + 1


def assert_names(response: httpx.Response, field: str, location: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error_code"] == "invalid_request"
    assert body["details"][0]["field"] == field
    assert body["details"][0]["location"] == location


@pytest.fixture
async def made(api: httpx.AsyncClient) -> dict[str, Any]:
    project = await create_project(api)
    template_id = await create_template(api, project["id"])
    return {
        "project": project["id"],
        "template": template_id,
        "pass": (await create_pass(api, template_id))["id"],
    }


class TestIdsBeyondAnyStoredId:
    @pytest.mark.parametrize(
        ("method", "path", "field"),
        [
            ("GET", "/v1/pass/{big}", "passId"),
            ("PUT", "/v1/pass/{big}", "passId"),
            ("DELETE", "/v1/pass/{big}", "passId"),
            ("GET", "/v1/pass/{big}/download", "passId"),
            ("GET", "/v1/project/{big}", "projectId"),
            ("GET", "/v1/template/{big}", "templateId"),
            ("POST", "/v1/pass/{big}", "templateId"),
            ("GET", "/v1/template/{big}/passes", "templateId"),
            ("POST", "/v1/template/duplicate/{big}", "templateId"),
            ("GET", "/v1/ticket/{big}", "ticketId"),
            ("DELETE", "/v1/pass/{pass}/location/{big}", "locationId"),
            ("DELETE", "/v1/template/{template}/location/{big}", "locationId"),
            ("GET", "/v1/schedules/{big}", "projectId"),
        ],
    )
    async def test_path_id_is_400_naming_the_slot(
        self, api: httpx.AsyncClient, made: dict[str, Any], method: str, path: str, field: str
    ) -> None:
        url = path.format(big=TOO_BIG, **made)
        response = await api.request(method, url, json={} if method in ("POST", "PUT") else None)
        assert_names(response, field, "path")

    @pytest.mark.parametrize("big", [TOO_BIG, 2**64, int("9" * 40)])
    async def test_any_size_is_400(self, api: httpx.AsyncClient, big: int) -> None:
        assert_names(await api.get(f"/v1/pass/{big}"), "passId", "path")

    async def test_the_largest_id_is_simply_not_found(self, api: httpx.AsyncClient) -> None:
        assert (await api.get(f"/v1/pass/{MAX_ID}")).status_code == 404
        assert (await api.get(f"/v1/ticket/{MAX_ID}")).status_code == 404

    @pytest.mark.parametrize("digits", ["²", "١٢", "1²"])
    async def test_digits_other_than_ascii_are_no_id(self, api: httpx.AsyncClient, digits: str) -> None:
        assert (await api.get(f"/v1/pass/{digits}")).status_code == 404  # no route takes them


class TestNulCharacters:
    """PostgreSQL stores no NUL in text: refused in every path and query parameter, on every route."""

    @pytest.mark.parametrize(
        ("method", "path", "field", "location"),
        [
            ("POST", "/v1/project/id/a%00b", "externalId", "path"),
            ("GET", "/v1/pass/id/x%00", "passId", "path"),
            ("POST", "/v1/pass/{template}/id/ab%00c", "passExternalId", "path"),
            ("GET", "/v1/pass?order=id%00", "order", "query"),
            ("GET", "/v1/pass?x%00=1", "x\x00", "query"),
            ("POST", "/v1/tag/a%00/notify?templateId={template}", "tag", "path"),
        ],
    )
    async def test_is_400_naming_the_parameter(
        self, api: httpx.AsyncClient, made: dict[str, Any], method: str, path: str, field: str, location: str
    ) -> None:
        body = {"value": "x"} if "notify" in path else {}
        response = await api.request(method, path.format(**made), json=body if method == "POST" else None)
        assert_names(response, field, location)
        assert "NUL" in response.json()["error"]

    async def test_in_a_device_id_is_400(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.get("/apple/v1/devices/a%00b/registrations/pass.dev.passmint")
        assert_names(response, "deviceLibraryIdentifier", "path")

    async def test_nothing_is_written(self, api: httpx.AsyncClient) -> None:
        await api.post("/v1/project/id/a%00b", json={"name": "n", "projectType": "memberCard"})
        assert (await api.get("/v1/project")).json()["count"] == 0


def _sync_dependencies(dependant: Dependant) -> Iterator[str]:
    for dependency in dependant.dependencies:
        call = dependency.call
        if call is not None and not any(
            check(candidate)
            for candidate in (call, getattr(call, "__call__", None))  # noqa: B004 (security schemes)
            for check in (inspect.iscoroutinefunction, inspect.isasyncgenfunction)
        ):
            yield getattr(call, "__qualname__", repr(call))
        yield from _sync_dependencies(dependency)


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # FastAPI keeps included routers as they are
        if included is not None:
            yield from _api_routes(included.routes)


def test_no_dependency_runs_in_a_thread(app: FastAPI) -> None:
    """FastAPI runs a plain-function dependency in a worker thread (issue 13: two thread hops a request
    for work of a microsecond); every dependency of every route is a coroutine function."""
    routes = list(_api_routes(app.routes))
    assert len(routes) > 100
    found = {f"{route.path}: {name}" for route in routes for name in _sync_dependencies(route.dependant)}
    assert not found, sorted(found)
