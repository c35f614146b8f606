"""Migration 0011 seals the callback headers stored before it, with the secret key in force."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from passmint import migrate
from passmint.callbacks import sealed as secrets
from passmint.models import CallbackSpec
from tests.databases import BACKENDS, POSTGRES_URL

KEY = "migration-test-secret-key"
HEADERS = {"Authorization": "Bearer s3cr3t-before-0011", "X-Shop": "7"}
NOW = datetime(2024, 1, 2, tzinfo=UTC)
accounts = sa.table("accounts", sa.column("id"), sa.column("name"), sa.column("created_at"))
projects = sa.table(
    "projects",
    *(sa.column(name) for name in ("id", "account_id", "context_id", "name", "description", "project_type")),
    sa.column("settings", sa.JSON()),
    sa.column("created_at"),
    sa.column("updated_at"),
)
specs = sa.table(
    "callback_specs",
    *(sa.column(name) for name in ("project_id", "base_url", "sealed_signing_secret")),
    sa.column("headers", sa.JSON()),
    sa.column("created_at"),
    sa.column("updated_at"),
)


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own (a new one on the PostgreSQL server)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}"
        return
    name = f"passmint_migration_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


async def _admin(statement: str) -> None:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(sa.text(statement))
    await engine.dispose()


def execute(url: str, *statements: sa.Executable) -> None:
    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(statement)
        await engine.dispose()

    asyncio.run(run())


def rows(url: str, statement: sa.Select[Any]) -> list[sa.Row[Any]]:
    async def run() -> list[sa.Row[Any]]:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            found = list((await connection.execute(statement)).all())
        await engine.dispose()
        return found

    return asyncio.run(run())


def stored_before_0011(url: str) -> None:
    migrate.upgrade(url, "0010")
    execute(
        url,
        sa.insert(accounts).values(id=1, name="a", created_at=NOW),
        sa.insert(projects).values(
            id=7,
            account_id=1,
            context_id="c" * 32,
            name="p",
            description="",
            project_type="loyalty",
            settings={},
            created_at=NOW,
            updated_at=NOW,
        ),
        sa.insert(specs).values(
            project_id=7,
            base_url="https://hooks.example.com",
            sealed_signing_secret=b"\x01",
            headers=HEADERS,
            created_at=NOW,
            updated_at=NOW,
        ),
    )


def test_existing_headers_are_sealed_and_open_as_they_were(url: str) -> None:
    stored_before_0011(url)
    migrate.upgrade(url, secret_key=KEY)
    sealed = sa.table("callback_specs", sa.column("project_id"), sa.column("sealed_headers"))
    ((project_id, blob),) = rows(url, sa.select(sealed.c.project_id, sealed.c.sealed_headers))
    assert b"s3cr3t" not in bytes(blob)
    spec = CallbackSpec(project_id=project_id, sealed_headers=bytes(blob))
    assert secrets.opened_headers(secrets.sealing_box(KEY), spec) == HEADERS

    config = migrate.alembic_config(url)
    config.attributes["secret_key"] = KEY
    command.downgrade(config, "0010")
    ((headers,),) = rows(url, sa.select(specs.c.headers))
    assert headers == HEADERS


def test_without_the_secret_key_nothing_is_changed(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    stored_before_0011(url)
    monkeypatch.delenv("PASSMINT_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="secret key"):
        migrate.upgrade(url)
    ((headers,),) = rows(url, sa.select(specs.c.headers))
    assert headers == HEADERS
    migrate.upgrade(url, secret_key=KEY)  # and it runs once the key is given


def test_an_empty_database_needs_no_key(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PASSMINT_SECRET_KEY", raising=False)
    migrate.upgrade(url)
