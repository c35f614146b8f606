"""Fixtures of the fuzz suite: the seeded objects each operation's requests aim at."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import ApiClient
from tests.fuzz.schema import Aim, operation_named
from tests.fuzz.seeds import Seeds, certificate_upload, kinds_for, seed


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
