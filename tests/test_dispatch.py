"""Route lookup by path prefix: a request meets only the routes its path can be under, and gets the
answer the whole route table gives (the same route, the same 405, redirect and 404)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, Match

from passmint.dispatch import PrefixDispatch, literal_segments
from passmint.routing import PROBED_METHODS

SLOT = re.compile(r"\{[^}]+\}")
SLOT_VALUES = ("12", "id/summer-sale", "abc")


def dispatch_of(app: FastAPI) -> PrefixDispatch:
    dispatch = app.router.middleware_stack
    assert isinstance(dispatch, PrefixDispatch)
    return dispatch


def sample_paths(app: FastAPI) -> Iterator[str]:
    """Paths near every route's: its slots filled, with and without a trailing slash or a further
    segment, and each of its leading parts."""
    for context in iter_route_contexts(app.router.routes):
        path = context.path or "/"
        for value in SLOT_VALUES:
            filled = SLOT.sub(value, path)
            yield from (filled, filled + "/", filled + "/more", filled.rstrip("/") or "/")
            pieces = filled.split("/")
            yield from ("/".join(pieces[:length]) or "/" for length in range(1, len(pieces)))
    yield from ("/", "/v1", "/v1/", "/v1/nothing-here", "/nothing", "//v1/pass", "/V1/pass/12")


def first_match(routes: Sequence[BaseRoute], path: str, method: str) -> tuple[Match, BaseRoute | None]:
    partial: BaseRoute | None = None
    for route in routes:
        scope = {"type": "http", "path": path, "root_path": "", "method": method, "headers": []}
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return Match.FULL, route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return (Match.NONE, None) if partial is None else (Match.PARTIAL, partial)


@pytest.mark.parametrize(
    ("path", "segments"),
    [
        ("/v1/pass/{passId:ref}", ("v1", "pass")),
        ("/v1/pass", ("v1", "pass")),
        ("/v1/pass/", ("v1", "pass")),
        ("/v1/pass/x{suffix}", ("v1", "pass")),
        ("/v1/system/status", ("v1", "system", "status")),
        ("/", ()),
        (None, ()),
    ],
)
def test_literal_segments_are_whole_segments_before_any_parameter(
    path: str | None, segments: tuple[str, ...]
) -> None:
    assert literal_segments(path) == segments


def test_every_path_meets_the_route_the_whole_table_gives(app: FastAPI) -> None:
    dispatch = dispatch_of(app)
    for path in set(sample_paths(app)):
        candidates = dispatch.router_for(path).routes
        for method in PROBED_METHODS:
            expected = first_match(app.router.routes, path, method)
            assert first_match(candidates, path, method) == expected, (method, path)


def test_a_request_meets_only_the_routes_under_its_path(app: FastAPI) -> None:
    entries = app.router.routes
    candidates = dispatch_of(app).router_for("/v1/pass/12").routes
    assert len(candidates) < len(entries) / 2
    assert len(dispatch_of(app).router_for("/apple/v1/log").routes) <= 2


async def test_a_route_added_later_is_found(app: FastAPI, api: httpx.AsyncClient) -> None:
    @app.get("/test-only/dispatch-added")
    async def added() -> dict[str, bool]:
        return {"added": True}

    assert (await api.get("/test-only/dispatch-added")).json() == {"added": True}


async def test_a_trailing_slash_redirects_as_before(api: httpx.AsyncClient) -> None:
    response = await api.get("/v1/project/")
    assert response.status_code == 307
    assert response.headers["location"].endswith("/v1/project")
