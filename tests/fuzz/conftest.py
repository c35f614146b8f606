"""Fixtures of the fuzz suite: the seeded objects each operation's requests aim at."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from schemathesis.core.errors import InvalidSchema

from tests.conftest import ApiClient
from tests.fuzz.known import APPLE_ROUTES_WITHOUT_PASS_TYPE, SEEN
from tests.fuzz.schema import Aim, operation_named
from tests.fuzz.seeds import Seeds, certificate_upload, kinds_for, seed


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if getattr(item, "operation_label", None) in APPLE_ROUTES_WITHOUT_PASS_TYPE:
            reason = "known open: {passTypeIdentifier} is not declared (see tests/fuzz/known.py)"
            item.add_marker(pytest.mark.xfail(raises=InvalidSchema, strict=True, reason=reason))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SEEN:
        terminalreporter.section("fuzz: known open failures seen (tests/fuzz/known.py)")
        for finding, operations in sorted(SEEN.items()):
            terminalreporter.line(f"{finding}: {', '.join(sorted(operations))}")


@pytest.fixture(scope="session")
async def app_loop(app: object) -> asyncio.AbstractEventLoop:
    """The event loop the app (and its database connections) runs on, to drive it from a sync test.

    The fuzz test is synchronous: schemathesis would run an ``async def`` test on a loop of its own,
    where PostgreSQL connections made on the session's loop cannot be used.
    """
    return asyncio.get_running_loop()


@pytest.fixture(scope="session")
def certificate() -> dict[str, Any]:
    """A certificate upload, made once (making the key pairs is slow)."""
    return certificate_upload()


@pytest.fixture
async def seeds(
    request: pytest.FixtureRequest, api: ApiClient, certificate: dict[str, Any]
) -> AsyncIterator[Seeds]:
    """Fresh objects of the kinds the operation under test names; its requests aim at them."""
    operation = operation_named(request.node.operation_label)
    slots = [parameter.name for parameter in operation.iter_parameters()]
    Aim.seeds = await seed(api, kinds_for(operation.path, slots), certificate)
    yield Aim.seeds
    Aim.seeds = Seeds()
