"""The databases tests run on: SQLite always, PostgreSQL when PASSMINT_TEST_DATABASE_URL is set.

Under pytest-xdist each worker has a PostgreSQL database of its own, named after the one
PASSMINT_TEST_DATABASE_URL names and the worker (``passmint_test_gw0``, ``passmint_test_gw1``...), made
on the same server at the start of the worker's session."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from passmint import migrate
from passmint.models import Base

POSTGRES_URL = os.environ.get("PASSMINT_TEST_DATABASE_URL", "")
"""The server's database named in the environment: the one a worker's own database is made from."""
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def fresh_database(backend: str, directory: Path) -> str:
    """The URL of an empty database of ``backend``, migrated to the newest schema."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / 'test.db'}"
    else:
        url = asyncio.run(_fresh_postgres(os.environ.get("PYTEST_XDIST_WORKER", "")))
    migrate.upgrade(url)
    return url


async def _fresh_postgres(worker: str) -> str:
    """The database named in the environment, emptied; or, for an xdist worker, a new one of its own."""
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    base = make_url(POSTGRES_URL)
    try:
        async with engine.connect() as connection:
            if not worker:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
                return POSTGRES_URL
            name = f"{base.database}_{worker}"
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
            return base.set(database=name).render_as_string(hide_password=False)
    finally:
        await engine.dispose()


KEPT_ROWS = {"change_clock": "UPDATE change_clock SET value = 0"}
"""Tables whose rows the migrations create: reset, not emptied."""


def delete_everything_statements() -> list[str]:
    """Statements that empty every table, children first."""
    tables = reversed(Base.metadata.sorted_tables)
    return [KEPT_ROWS.get(table.name, f"DELETE FROM {table.name}") for table in tables]
