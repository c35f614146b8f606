"""What FastAPI solves on every request (issue 13): each dependency is a solve of its own, so the hot
routes keep to the ones that do work."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts

from passmint.deps import check_api_request


def solved(dependant: Dependant) -> Iterator[str]:
    """The name of every dependency solved for ``dependant``, depth first."""
    for dependency in dependant.dependencies:
        yield getattr(dependency.call, "__name__", type(dependency.call).__name__)
        yield from solved(dependency)


def dependant_of(app: FastAPI, method: str, path: str) -> Dependant:
    for context in iter_route_contexts(app.router.routes):
        if context.path == path and method in (context.methods or ()):
            dependant: Dependant = context.dependant
            return dependant
    raise LookupError(f"{method} {path}")


def test_a_v1_request_is_checked_by_one_dependency(app: FastAPI) -> None:
    checked = 0
    for context in iter_route_contexts(app.router.routes):
        if not (context.path or "").startswith("/v1/") or getattr(context, "dependant", None) is None:
            continue
        first = [dependency.call for dependency in context.dependant.dependencies]
        assert first[:1] == [check_api_request], context.path
        assert not {"refuse_unstorable_parameters", "check_api_revision"} & set(solved(context.dependant))
        checked += 1
    assert checked > 100


def test_getting_a_pass_solves_only_what_does_work(app: FastAPI) -> None:
    dependant = dependant_of(app, "GET", "/v1/pass/{passId:ref}")
    assert list(solved(dependant)) == [
        "check_api_request",
        "pass_at",  # reads its slot itself, no Ref dependency under it
        "_AccountScheme",  # the account as its key was checked (no session under it), and the scheme
        "_database",  # the route opens its transaction itself (no generator dependency to unwind)
        "_settings",
    ]
