"""SQLAlchemy's aiosqlite dialect with one trip to the connection's thread per statement.

aiosqlite runs each SQLite call in the connection's own thread; SQLAlchemy's adapter makes four such
calls for a statement (open a cursor, execute, fetch the rows, close), each a hand-off between the
event loop and that thread. This dialect's cursor does all four in one call, so a statement costs one
hand-off. Everything else (connections, transactions, errors, pooling) is SQLAlchemy's aiosqlite
dialect as it is. Used for ``sqlite+aiosqlite`` URLs by ``passmint.db.Database``.

A writing transaction makes no hand-off at all once it writes: its first write runs in the event loop's
thread when SQLite's write lock is free (with ``busy_timeout`` 0 for that statement; when another
process holds the lock, the write goes to the thread and waits there, in SQLite's busy handler), and its
statements after that, and its commit, run there too: holding the write lock, nothing can make them wait
(in WAL mode readers never block a writer, and a commit appends to the log). A hand-off would let the
other requests in flight run their own work meanwhile, while every other writer of the process waits for
this one at ``passmint.db.WriteGate``: the writes of a process would take turns at the pace of the
whole event loop instead of the pace of their own work. A roll back or commit with no transaction open
(the pool resets every connection it takes back) makes no hand-off either.

A read marked as a point lookup (the execution option ``POINT_LOOKUP``, set where the statement is built,
by ``kit.sql.point_lookup``) makes none either: it runs in the event loop's thread, with ``busy_timeout``
0 as a first write does, and goes to the thread (to wait in the busy handler) only when SQLite answers
that it is busy (in WAL mode a reader waits only for another process's recovery of the index, or for one
holding the database in exclusive locking mode). The hand-off cost more than the read: a held session's
read of one row by its key took 0.19 ms of CPU through the thread, 0.08 ms in the loop's. The mark is for
reads of a handful of rows found through a primary key or unique index: any other read stays in the
thread, so a long scan never holds up the event loop. Other dialects ignore the option.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
    SQLiteExecutionContext_aiosqlite,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

DRIVER = "passmint_aiosqlite"
"""The driver name of this dialect in a URL: ``sqlite+passmint_aiosqlite:///...``."""

_Outcome = tuple[Any, list[Any], int, int | None]
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
"""How a statement that writes begins (the sqlite3 module begins a transaction before these only)."""
POINT_LOOKUP = "passmint_point_lookup"
"""The execution option marking a read of a few rows by a primary key or unique index: on this dialect
it runs in the event loop's thread (see the module's docstring)."""


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """In the connection's thread: the statement executed and its rows fetched, the cursor closed."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose statement and rows come back in one trip to the connection's thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount", "point_lookup")

    _awaitable_cursor_close = False

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self.point_lookup = False
        """Its statement is marked ``POINT_LOOKUP`` (set by ``PointLookupContext``)."""

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    async def _async_soft_close(self) -> None:
        return None  # nothing is open in the thread: the rows are here already

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            self._outcome(operation, parameters, many=False)
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        try:
            self._outcome(operation, seq_of_parameters, many=True)
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def _outcome(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection = self._adapt_connection
        assert isinstance(connection, OneTripConnection)
        sqlite = self._connection._conn
        outcome = None
        if not connection._execute_mutex.locked():  # the thread has nothing of this connection's to do
            if connection.writing and sqlite.in_transaction:
                outcome = _run(sqlite, operation, parameters, many)
            elif self.point_lookup or (
                not sqlite.in_transaction and operation.lstrip()[:7].upper().startswith(WRITES)
            ):  # a point lookup, or a transaction's first write
                outcome = connection.unwaited(operation, parameters, many)
        if outcome is None:
            outcome = await_(self._trip(operation, parameters, many=many))
        connection.writing = sqlite.in_transaction
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    async def _trip(self, operation: Any, parameters: Any, *, many: bool) -> _Outcome:
        async with self._adapt_connection._execute_mutex:
            outcome: _Outcome = await self._connection._execute(
                _run, self._connection._conn, operation, parameters, many
            )
        return outcome


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("busy_timeout", "writing")
    _cursor_cls = OneTripCursor  # type: ignore[assignment]  # a subclass (mypy reads the base as invariant)

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.writing = False
        """A write of the open transaction succeeded: the connection holds SQLite's write lock."""
        self.busy_timeout: int | None = None
        """The connection's ``busy_timeout`` (ms), read at its first statement run in the event loop."""

    def unwaited(self, operation: Any, parameters: Any, many: bool) -> _Outcome | None:
        """The statement (a transaction's first write, or a point lookup) run here if it need not wait
        for a lock another process holds; None (nothing done) if it would: then it waits in the
        connection's thread, in the busy handler."""
        sqlite = self._connection._conn
        if self.busy_timeout is None:
            self.busy_timeout = int(sqlite.execute("PRAGMA busy_timeout").fetchone()[0])
        began = sqlite.in_transaction
        sqlite.execute("PRAGMA busy_timeout = 0")
        try:
            return _run(sqlite, operation, parameters, many)
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_BUSY:
                raise
            if sqlite.in_transaction and not began:
                sqlite.rollback()  # a write's implicit BEGIN: the write starts again in the thread
            return None
        finally:
            sqlite.execute(f"PRAGMA busy_timeout = {self.busy_timeout}")

    def rollback(self) -> None:
        if self._connection._connection and self._connection._conn.in_transaction:
            super().rollback()  # else nothing to roll back (the pool resets every connection it takes back)
        self.writing = False

    def commit(self) -> None:
        sqlite = self._connection._conn if self._connection._connection else None
        if sqlite is not None and sqlite.in_transaction:
            if self.writing and not self._execute_mutex.locked():
                try:
                    sqlite.commit()  # see the module's docstring: a writer's commit waits for nothing
                except Exception as error:
                    self._handle_exception(error)
            else:
                super().commit()
        self.writing = False


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        kw.setdefault("check_same_thread", False)  # a writing transaction's statements run in the loop
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


class PointLookupContext(SQLiteExecutionContext_aiosqlite):
    """Marks the cursor of a statement with the ``POINT_LOOKUP`` option."""

    def create_default_cursor(self) -> Any:
        cursor = super().create_default_cursor()
        if self.execution_options.get(POINT_LOOKUP):
            assert isinstance(cursor, OneTripCursor)
            cursor.point_lookup = True
        return cursor


class OneTripDialect(SQLiteDialect_aiosqlite):
    driver = DRIVER
    supports_statement_cache = True
    execution_ctx_cls = PointLookupContext

    @classmethod
    def import_dbapi(cls) -> OneTripDBAPI:
        return OneTripDBAPI(__import__("aiosqlite"), __import__("sqlite3"))


registry.register(f"sqlite.{DRIVER}", __name__, "OneTripDialect")
