"""Counting the SQL statements a piece of work sends, to pin how many a request costs, and its hand-offs
to a SQLite connection's thread."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import aiosqlite
from sqlalchemy import event

from passmint.db import Database


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL of each statement ``database`` sends inside the block, in order (savepoints and
    transaction control are the driver's, not statements, and are not counted)."""
    with _noted(database, lambda _context: True) as sent:
        yield sent


@contextmanager
def compiled(database: Database) -> Iterator[list[str]]:
    """The SQL of each statement ``database`` sends inside the block that SQLAlchemy compiled afresh
    (a miss of its compiled-statement cache, or a statement it cannot cache): after a first request
    has warmed the cache, a hot path should compile nothing."""

    def fresh(context: Any) -> bool:
        return (
            context is not None
            and context.compiled is not None
            and context.cache_hit != context.dialect.CACHE_HIT
        )

    with _noted(database, fresh) as sent:
        yield sent


@contextmanager
def _noted(database: Database, kept: Callable[[Any], bool]) -> Iterator[list[str]]:
    """The SQL of each statement sent inside the block whose execution context ``kept`` accepts."""
    sent: list[str] = []

    def note(
        _connection: Any, _cursor: Any, statement: str, _parameters: Any, context: Any, _many: bool
    ) -> None:
        if kept(context):
            sent.append(statement)

    with listening(database, "before_cursor_execute", note):
        yield sent


@contextmanager
def listening(database: Database, name: str, listener: Callable[..., None]) -> Iterator[None]:
    """``listener`` hears the engine event ``name`` of ``database`` inside the block."""
    engine = database.engine.sync_engine
    event.listen(engine, name, listener)
    try:
        yield
    finally:
        event.remove(engine, name, listener)


@contextmanager
def handoffs() -> Iterator[list[object]]:
    """Each hand-off to a SQLite connection's thread inside the block (the function sent there), in order."""
    sent: list[object] = []
    execute = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(fn)
        return await execute(self, fn, *args, **kwargs)

    aiosqlite.Connection._execute = counted  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        aiosqlite.Connection._execute = execute  # type: ignore[method-assign]
