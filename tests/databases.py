"""The databases tests run on: SQLite always, PostgreSQL when PASSMINT_TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from passmint import migrate
from passmint.models import Base

POSTGRES_URL = os.environ.get("PASSMINT_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def fresh_database(backend: str, directory: Path) -> str:
    """The URL of an empty database of ``backend``, migrated to the newest schema."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / 'test.db'}"
    else:
        url = POSTGRES_URL
        asyncio.run(_reset_postgres(url))
    migrate.upgrade(url)
    return url


async def _reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


KEPT_ROWS = {"change_clock": "UPDATE change_clock SET value = 0"}
"""Tables whose rows the migrations create: reset, not emptied."""


def delete_everything_statements() -> list[str]:
    """Statements that empty every table, children first."""
    tables = reversed(Base.metadata.sorted_tables)
    return [KEPT_ROWS.get(table.name, f"DELETE FROM {table.name}") for table in tables]
