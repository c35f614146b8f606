"""Fixtures: a migrated database per backend, the real app over ASGI, and API clients with keys."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.accounts import service as account_service
from passmint.app import create_app, outbound_client
from passmint.config import Settings
from passmint.db import Database
from passmint.jobs.registry import JobContext
from passmint.kit import time as kit_time
from passmint.models import Account
from passmint.registrations.webservice import Guards
from tests.databases import BACKENDS, delete_everything_statements, fresh_database
from tests.support import browser as chromium
from tests.support.clock import AheadClock
from tests.support.servers import free_port


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (pyproject.toml): a worker per core this process may run on, or none (the tests run in
    this process) on one core. PYTEST_XDIST_AUTO_NUM_WORKERS, when set, decides instead."""
    if "PYTEST_XDIST_AUTO_NUM_WORKERS" in os.environ:
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores if cores > 1 else 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` first among those on the same database (pytest has grouped the tests by
    database, so that a worker sets each one up once): a worker that drew one late would finish the run
    alone."""
    backend: object = None
    groups: dict[object, int] = {}
    keys = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("settings", backend) if callspec else backend
        keys.append((groups.setdefault(backend, len(groups)), item.get_closest_marker("slow") is None))
    items[:] = [item for _, item in sorted(zip(keys, items, strict=True), key=lambda pair: pair[0])]


if "PYTEST_XDIST_WORKER" in os.environ:
    # An xdist worker starts with COLUMNS=80 and LINES=24 set, which a run in one process has not; rich
    # reads them once, when the CLI's console is made, and would print every table 80 columns wide.
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)


class ApiClient(httpx.AsyncClient):
    """An API client authenticated as one account's key; ``account`` is that account."""

    account: Account


ApiFactory = Callable[[], Awaitable[ApiClient]]


@pytest.fixture(scope="session", params=BACKENDS)
def settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    directory = tmp_path_factory.mktemp(request.param)
    return Settings(
        data_dir=directory,
        database_url=fresh_database(request.param, directory),
        public_url="http://localhost",
        embedded_worker=False,
        secret_key=SecretStr("test-secret-key"),
        # never the internet: Google's addresses are closed local ports unless a test names a stand-in
        google_callback_keys_url=f"http://127.0.0.1:{free_port()}/no-google-here",
        google_api_url=f"http://127.0.0.1:{free_port()}/",
        google_token_url=f"http://127.0.0.1:{free_port()}/token",
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[object]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def database(app: object) -> Database:
    return app.state.db  # type: ignore[attr-defined, no-any-return]


@pytest.fixture(autouse=True)
async def _empty_tables(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Every test that used the database starts from, and leaves, empty tables."""
    yield
    if "database" in request.fixturenames:
        database: Database = request.getfixturevalue("database")
        async with database.transaction() as session:
            for statement in delete_everything_statements():
                await session.execute(text(statement))


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    """A transaction for arranging data directly; committed at the end of the test's use."""
    async with database.transaction() as session:
        yield session


@pytest.fixture
async def anonymous(app: object, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no credentials."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client


def basic(key: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}


AddressedClient = Callable[[str], httpx.AsyncClient]


@pytest.fixture
async def from_address(app: object, database: Database) -> AsyncIterator[AddressedClient]:
    """Makes clients without credentials, each calling from the address given (for rate limits)."""
    clients: list[httpx.AsyncClient] = []

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))  # type: ignore[arg-type]
        clients.append(httpx.AsyncClient(transport=transport, base_url="http://localhost"))
        return clients[-1]

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def still_clock(app: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fresh rate limits for Apple's web service whose clock stands still, so no limit refills while a
    slow test runs."""
    guards = Guards(timedelta(days=settings.device_log_retention_days))
    for limit in (guards.log_entries, guards.personalize.per_address, guards.personalize.per_pass):
        limit.clock = lambda: 0.0
    monkeypatch.setattr(app.state, "apple_guards", guards, raising=False)


@pytest.fixture
def utc_clock(monkeypatch: pytest.MonkeyPatch) -> AheadClock:
    """The clock the app's ``utcnow`` reads for this test, which the test moves ahead instead of sleeping."""
    clock = AheadClock()
    monkeypatch.setattr(kit_time, "clock", clock)
    return clock


@pytest.fixture
async def new_api(app: object, database: Database) -> AsyncIterator[ApiFactory]:
    """Makes clients, each authenticated as a key of a new account."""
    clients: list[ApiClient] = []

    async def make() -> ApiClient:
        async with database.transaction() as session:
            issued = await account_service.create_key(session, name=f"account {len(clients) + 1}")
        headers = basic(issued.api_key.key, issued.secret) | {"Api-Revision": "1.2"}
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        client = ApiClient(transport=transport, base_url="http://localhost", headers=headers)
        client.account = issued.account
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def api(new_api: ApiFactory) -> ApiClient:
    """A client authenticated as a key of a fresh account."""
    return await new_api()


@pytest.fixture
async def job_context(settings: Settings) -> AsyncIterator[JobContext]:
    """What a worker hands its jobs: the test settings (receivers listen on 127.0.0.1) and a client."""
    settings = settings.model_copy(update={"allow_private_networks": True})
    async with outbound_client() as http:
        context = JobContext(settings, http)
        yield context
        await context.aclose()


@pytest.fixture
def tmp_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data dir for code that reads settings from the environment."""
    monkeypatch.setenv("PASSMINT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PASSMINT_DATABASE_URL", raising=False)
    monkeypatch.delenv("PASSMINT_SECRET_KEY", raising=False)
    return tmp_path


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the session (the page tests', ``tests/support/browser.py``)."""
    async with chromium.launched() as launched:
        yield launched
