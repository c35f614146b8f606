"""The database: engine, sessions, the one place transactions are committed, and what a failure means.

A database that cannot take a write right now (SQLite's lock held past ``busy_timeout``, a full disk,
a read-only file, PostgreSQL gone or out of connections) is ``Unavailable`` (HTTP 503 with
``Retry-After``), never a 500: ``unavailability()`` is the one place that reads a driver's error.

On SQLite, writing transactions of one process take turns through a ``WriteGate`` before their first
write, in arrival order, instead of polling in SQLite's busy handler (where a writer can lose every
turn until ``busy_timeout`` runs out). Transactions start at their first write (the sqlite3 module
begins one only before INSERT, UPDATE or DELETE), so a transaction that read first never upgrades a
stale snapshot. Once it writes, a transaction runs its statements and its commit without leaving the
event loop's thread (``kit.sqlite_driver``), so the gate is held for the writer's own work only. Across
processes, ``busy_timeout`` still applies (the wait happens in the connection's thread).

A database is built with what every transaction must do just before it commits (``before_commit``):
the effects of a change, such as numbering changed passes and queueing the pushes that announce them,
so no change commits without them. ``passmint.app.open_database`` builds it with the list in force.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, ClassVar

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.util import await_

from passmint.errors import Unavailable
from passmint.kit import sqlite_driver

BUSY_TIMEOUT = 10.0
"""Seconds a SQLite write waits for another process's write lock (SQLite's busy handler)."""
WRITE_WAIT = 30.0
"""Seconds a SQLite write waits for its turn among this process's writers."""
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)
SQLITE_POOL = 32
"""SQLite connections kept open (and as many more opened for a burst): one per transaction in flight."""
_WRITES = sqlite_driver.WRITES
_WROTE = "passmint.wrote"
BEFORE_COMMIT = "passmint.before_commit"
"""``Session.info`` key: the hooks the session's transaction awaits before it commits."""

BeforeCommit = Callable[[AsyncSession], Awaitable[None]]
"""Awaited by a transaction, in its session, after its work and before its commit."""


class DatabaseBusy(Unavailable):
    code = "database_busy"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "1"}


class DatabaseFull(Unavailable):
    code = "database_full"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "60"}


class DatabaseReadOnly(Unavailable):
    code = "database_read_only"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "60"}


class DatabaseUnreachable(Unavailable):
    code = "database_unreachable"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "5"}


MESSAGES: dict[type[Unavailable], str] = {
    DatabaseBusy: "The database is busy with other writes; try again in a moment",
    DatabaseFull: "The disk is full: nothing can be written until space is freed",
    DatabaseReadOnly: "The database (or the disk it is on) is read-only: nothing can be written",
    DatabaseUnreachable: "The database cannot be reached",
}
_SQLITE_CODES: dict[int, type[Unavailable]] = {
    sqlite3.SQLITE_BUSY: DatabaseBusy,
    sqlite3.SQLITE_LOCKED: DatabaseBusy,
    sqlite3.SQLITE_READONLY: DatabaseReadOnly,
    sqlite3.SQLITE_IOERR: DatabaseUnreachable,
    sqlite3.SQLITE_FULL: DatabaseFull,
    sqlite3.SQLITE_CANTOPEN: DatabaseUnreachable,
}
_POSTGRES_STATES: dict[str, type[Unavailable]] = {
    "53100": DatabaseFull,  # disk_full
    "53200": DatabaseBusy,  # out_of_memory
    "53300": DatabaseBusy,  # too_many_connections
    "53400": DatabaseBusy,  # configuration_limit_exceeded
    "57P01": DatabaseUnreachable,  # admin_shutdown
    "57P02": DatabaseUnreachable,  # crash_shutdown
    "57P03": DatabaseUnreachable,  # cannot_connect_now
    "25006": DatabaseReadOnly,  # read_only_sql_transaction (a standby, or default_transaction_read_only)
    "40001": DatabaseBusy,  # serialization_failure
    "40P01": DatabaseBusy,  # deadlock_detected
    "55P03": DatabaseBusy,  # lock_not_available
}
_ERRNOS: dict[int, type[Unavailable]] = {
    errno.ENOSPC: DatabaseFull,
    errno.EDQUOT: DatabaseFull,
    errno.EROFS: DatabaseReadOnly,
}


def unavailable(kind: type[Unavailable]) -> Unavailable:
    return kind(MESSAGES[kind])


def unavailability(error: BaseException, *, database: bool = True) -> Unavailable | None:
    """What ``error`` (or the driver error behind it) says, if it says the server cannot serve now:
    contention, a full disk, a read-only file or server, a lost or refused connection; None for
    anything else (a bug, a constraint violation...), which stays a 500. ``database``: the error came
    from talking to the database, so a broken connection means the database is unreachable."""
    if isinstance(error, Unavailable):
        return error
    for cause in _causes(error):
        kind = _kind_of(cause, database=database)
        if kind is not None:
            return unavailable(kind)
    return None


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error`` and, for a database error, the driver errors it wraps."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        cause = pending.pop()
        if cause is None or id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        pending += [getattr(cause, "orig", None), cause.__cause__]


def _kind_of(cause: BaseException, *, database: bool) -> type[Unavailable] | None:
    if isinstance(cause, PoolTimeout):  # every pooled connection in use for pool_timeout seconds
        return DatabaseBusy
    if isinstance(cause, DBAPIError) and cause.connection_invalidated:
        return DatabaseUnreachable
    if isinstance(cause, sqlite3.Error):
        return _SQLITE_CODES.get(getattr(cause, "sqlite_errorcode", -1) & 0xFF)
    state = getattr(cause, "sqlstate", None)  # asyncpg's errors, and SQLAlchemy's adaptations of them
    if isinstance(state, str):
        return DatabaseUnreachable if state.startswith("08") else _POSTGRES_STATES.get(state)
    if isinstance(cause, OSError):
        if cause.errno in _ERRNOS:
            return _ERRNOS[cause.errno]
        lost = isinstance(cause, ConnectionError | TimeoutError | socket.gaierror)
        return DatabaseUnreachable if database and lost else None
    return None


def _translated(context: ExceptionContext) -> None:
    """SQLAlchemy's ``handle_error``: a statement, commit or connect that failed because the database
    cannot serve now raises ``Unavailable`` (pre-pings are left to the pool, which reconnects)."""
    if context.is_pre_ping:
        return
    found = unavailability(context.original_exception)
    if found is None and context.is_disconnect:
        found = unavailable(DatabaseUnreachable)
    if found is not None and found is not context.original_exception:
        raise found from context.original_exception


class WriteGate:
    """Lets one transaction of this process write at a time, in arrival order: the others wait in
    the event loop (no thread sleeps in SQLite's busy handler). A transaction takes the gate before
    its first write and gives it back when its connection returns to the pool (commit or rollback)."""

    def __init__(self, wait: float) -> None:
        self.wait = wait
        self._lock = asyncio.Lock()
        self._holder: object | None = None

    def enter(self, owner: object) -> None:
        """Take the gate for ``owner`` (a DBAPI connection); called inside SQLAlchemy's greenlet."""
        if self._holder is not owner:
            await_(self._acquire())
            self._holder = owner

    def leave(self, owner: object) -> None:
        if owner is not None and self._holder is owner:
            self._holder = None
            self._lock.release()

    async def _acquire(self) -> None:
        try:
            async with asyncio.timeout(self.wait):
                await self._lock.acquire()
        except TimeoutError:
            raise unavailable(DatabaseBusy) from None


class Database:
    """An engine and its session factory; ``transaction()`` is the unit of work, and awaits each of
    ``before_commit`` in order just before it commits."""

    def __init__(
        self,
        url: str,
        *,
        before_commit: Sequence[BeforeCommit],
        busy_timeout: float = BUSY_TIMEOUT,
        write_wait: float = WRITE_WAIT,
    ) -> None:
        self.url = make_url(url)
        self.before_commit = tuple(before_commit)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.write_failure: Unavailable | None = None
        """Set when a write failed because the database cannot be written (full, read-only); cleared
        by the next transaction that writes and commits. ``/v1/system/status`` reports it."""
        options: dict[str, Any] = {"pool_pre_ping": not self.is_sqlite}
        if not self.is_sqlite:
            options.update(pool_size=10, max_overflow=20)
        else:  # each connection is a thread of aiosqlite's: keep enough not to open one per burst
            options.update(pool_size=SQLITE_POOL, max_overflow=SQLITE_POOL)
        engine_url = self.url
        if engine_url.drivername == "sqlite+aiosqlite":  # one trip to aiosqlite's thread a statement
            engine_url = engine_url.set(drivername=f"sqlite+{sqlite_driver.DRIVER}")
        self.engine = create_async_engine(engine_url, hide_parameters=True, **options)
        self.gate = WriteGate(write_wait) if self.is_sqlite else None
        engine = self.engine.sync_engine
        event.listen(engine, "begin", _began)
        event.listen(engine, "commit", self._committing)
        event.listen(engine, "handle_error", _translated)
        event.listen(engine, "do_connect", _connect)
        event.listen(engine, "before_cursor_execute", self._before_execute)
        if self.is_sqlite:
            pragmas = (*SQLITE_PRAGMAS, f"PRAGMA busy_timeout={round(busy_timeout * 1000)}")
            event.listen(engine, "connect", lambda connection, _record: _run(connection, pragmas))
            for returned in ("checkin", "invalidate", "close", "detach"):
                event.listen(engine, returned, self._returned)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work is committed if the block succeeds and rolled back if it raises.

        Before committing it awaits each ``before_commit`` hook, in the same transaction: a hook that
        raises rolls the whole work back. A failure that means the database cannot serve now is raised
        as ``Unavailable``."""
        async with self.sessionmaker() as session:
            session.info[BEFORE_COMMIT] = self.before_commit
            try:
                yield session
                for hook in self.before_commit:
                    await hook(session)
                await session.commit()
            except BaseException as error:
                await _rolled_back(session)
                if isinstance(error, PoolTimeout):
                    raise unavailable(DatabaseBusy) from error
                if isinstance(error, Unavailable):
                    self._note(error)
                raise

    async def ping(self) -> None:
        """Raise ``Unavailable`` if the database cannot be reached."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:
            raise unavailability(error) or unavailable(DatabaseUnreachable) from error

    async def check_writable(self) -> None:
        """Raise ``Unavailable`` unless the database can be reached and written: a write that is rolled
        back (refused by a read-only database or server, or waiting out a lock), then the last write
        failure (a full disk shows only when something grows, which a rolled-back write does not)."""
        await self.ping()
        async with self.transaction() as session:
            await session.execute(text("UPDATE alembic_version SET version_num = version_num"))
            await session.rollback()
        if self.write_failure is not None:
            raise self.write_failure

    async def dispose(self) -> None:
        await self.engine.dispose()

    def _note(self, failure: Unavailable) -> None:
        if isinstance(failure, DatabaseFull | DatabaseReadOnly):
            self.write_failure = failure

    def _before_execute(
        self, connection: Connection, _cursor: Any, statement: str, *_args: Any, **_kw: Any
    ) -> None:
        if statement.lstrip()[:7].upper().startswith(_WRITES):
            if self.gate is not None:
                self.gate.enter(connection.connection.dbapi_connection)
            connection.info[_WROTE] = True

    def _committing(self, connection: Connection) -> None:
        if connection.info.get(_WROTE):  # a failed commit notes its failure again (``transaction``)
            self.write_failure = None

    def _returned(self, dbapi_connection: Any, *_args: Any) -> None:
        assert self.gate is not None
        self.gate.leave(dbapi_connection)


def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    """Open a connection; one refused or timed out (PostgreSQL down, unreachable) is ``Unavailable``."""
    try:
        return dialect.connect(*cargs, **cparams)
    except OSError as error:
        raise (unavailability(error) or unavailable(DatabaseUnreachable)) from error


def _run(dbapi_connection: Any, statements: tuple[str, ...]) -> None:
    cursor = dbapi_connection.cursor()
    for statement in statements:
        cursor.execute(statement)
    cursor.close()


def _began(connection: Connection) -> None:
    connection.info[_WROTE] = False


async def _rolled_back(session: AsyncSession) -> None:
    """Roll back, unless the connection is gone already (the original error is what matters)."""
    with contextlib.suppress(Exception):  # the caller raises the error that broke the transaction
        await session.rollback()
