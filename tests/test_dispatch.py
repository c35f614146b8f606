"""Route lookup by path prefix: a request meets only the routes its path can be under, and gets the
answer the whole route table gives (the same route, the same 405, redirect and 404)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import httpx
import pytest
from fastapi import APIRouter, FastAPI
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


Chosen = tuple[Match, BaseRoute | None, str | None]


def first_match(routes: Sequence[BaseRoute], path: str, method: str) -> Chosen:
    """The route FastAPI serves ``method path`` with among ``routes`` (the first full match, else the
    first partial one), with the path it is served at; included routers are looked into in order."""
    partial: Chosen = (Match.NONE, None, None)
    for context in iter_route_contexts(routes):
        scope = {"type": "http", "path": path, "root_path": "", "method": method, "headers": []}
        match, _ = context.matches(scope)
        if match is Match.FULL:
            return Match.FULL, context.original_route, context.path
        if match is Match.PARTIAL and partial[0] is Match.NONE:
            partial = (Match.PARTIAL, context.original_route, context.path)
    return partial


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
        for method in PROBED_METHODS:
            expected = first_match(app.router.routes, path, method)
            taking = first_match(dispatch.router_for(path, method).routes, path, method)
            if expected[0] is Match.FULL:
                assert taking == expected, (method, path)
            else:  # handed on: the path's routes answer the 405, the redirect or the 404
                assert taking[0] is Match.NONE, (method, path)
                assert first_match(dispatch.router_for(path).routes, path, method) == expected, (method, path)


def test_a_request_meets_only_the_routes_under_its_path(app: FastAPI) -> None:
    every = len(list(iter_route_contexts(app.router.routes)))
    assert every > 150
    candidates = list(iter_route_contexts(dispatch_of(app).router_for("/v1/pass/12").routes))
    assert len(candidates) <= 40  # under /v1/pass/, and under /v1/ from routers without a prefix
    assert len(list(iter_route_contexts(dispatch_of(app).router_for("/apple/v1/log").routes))) <= 2


async def test_a_route_added_later_is_found(app: FastAPI, api: httpx.AsyncClient) -> None:
    @app.get("/test-only/dispatch-added")
    async def added() -> dict[str, bool]:
        return {"added": True}

    assert (await api.get("/test-only/dispatch-added")).json() == {"added": True}


async def test_a_trailing_slash_redirects_as_before(api: httpx.AsyncClient) -> None:
    response = await api.get("/v1/project/")
    assert response.status_code == 307
    assert response.headers["location"].endswith("/v1/project")


async def test_an_unknown_method_is_a_405_and_makes_no_router(app: FastAPI, api: httpx.AsyncClient) -> None:
    dispatch = dispatch_of(app)
    response = await api.request("BREW", "/v1/project")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
    assert "BREW" not in dispatch._root.children["v1"].children["project"].by_method


def test_a_router_with_middleware_of_its_own_is_refused() -> None:
    with pytest.raises(ValueError, match="middleware of its own"):
        PrefixDispatch.install(APIRouter(max_body_size=10))
