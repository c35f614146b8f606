"""A server that cannot write answers 503 with ``Retry-After``, never 500, and its status says so.

The SQLite cases run on a database of their own (a read-only connection, a database that may not
grow, another connection holding the write lock); writers of one process take turns in order.
"""

from __future__ import annotations

import asyncio
import base64
import errno
import sqlite3
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import event, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.accounts import service as account_service
from passmint.app import BEFORE_COMMIT, create_app
from passmint.config import Settings
from passmint.db import (
    BUSY_TIMEOUT,
    Database,
    DatabaseBusy,
    DatabaseFull,
    DatabaseReadOnly,
    DatabaseUnreachable,
    unavailability,
)
from passmint.kit.sql import point_lookup
from passmint.models import Account, ChangeClock
from tests.databases import BACKENDS, fresh_database
from tests.support.statements import handoffs

PROJECT = {"name": "Loyalty", "projectType": "memberCard", "description": "Members"}
LONG = {**PROJECT, "description": "x" * 10_000}  # needs new pages in the database file


@dataclass
class Server:
    app: FastAPI
    client: httpx.AsyncClient
    url: str
    swapped: list[Database]

    @property
    def database(self) -> Database:
        return self.app.state.db  # type: ignore[no-any-return]

    def use(self, database: Database) -> None:
        """Serve from ``database`` (disposed at the end of the test)."""
        self.swapped.append(database)
        self.app.state.db = database

    async def on_connect(self, *pragmas: str) -> Callable[[], Awaitable[None]]:
        """Run ``pragmas`` on each new connection (the pooled ones are closed); returns the undo."""

        def run(connection: Any, _record: Any) -> None:
            for pragma in pragmas:
                connection.cursor().execute(pragma)

        event.listen(self.database.engine.sync_engine, "connect", run)
        await self.database.engine.dispose()

        async def undo() -> None:
            event.remove(self.database.engine.sync_engine, "connect", run)
            await self.database.engine.dispose()

        return undo


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    """The real app on a SQLite database of its own, and a client with a key."""
    url = await asyncio.to_thread(fresh_database, "sqlite", tmp_path)
    settings = Settings(data_dir=tmp_path, database_url=url, embedded_worker=False, secret_key=SecretStr("k"))
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with app.state.db.transaction() as session:
            issued = await account_service.create_key(session, name="a")
        credentials = base64.b64encode(f"{issued.api_key.key}:{issued.secret}".encode()).decode()
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Basic {credentials}"}
        original = app.state.db
        async with httpx.AsyncClient(
            transport=transport, base_url="http://localhost", headers=headers
        ) as client:
            server = Server(app, client, url, [])
            yield server
        app.state.db = original
        for database in server.swapped:
            await database.dispose()


def assert_503(response: httpx.Response, code: str, retry_after: str) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error_code"] == code
    assert response.headers["Retry-After"] == retry_after


class TestReadOnlyDatabase:
    async def test_writes_are_503_reads_work_and_status_says_so(self, server: Server) -> None:
        await server.on_connect("PRAGMA query_only=ON")  # as a read-only file or mount behaves
        assert_503(await server.client.post("/v1/project", json=PROJECT), "database_read_only", "60")
        assert (await server.client.get("/v1/project")).status_code == 200
        assert_503(await server.client.get("/v1/system/status"), "database_read_only", "60")


class TestFullDisk:
    async def test_a_write_that_needs_space_is_503_until_space_is_freed(self, server: Server) -> None:
        async with server.database.engine.connect() as connection:  # no free pages left by migrations
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM")
        async with server.database.transaction() as session:
            pages = await session.scalar(text("PRAGMA page_count"))
        undo = await server.on_connect(f"PRAGMA max_page_count={pages}")  # the file may not grow: a full disk
        assert_503(await server.client.post("/v1/project", json=LONG), "database_full", "60")
        assert (await server.client.get("/v1/project")).json()["count"] == 0
        # a rolled-back write grows nothing, so the status remembers the failed write
        assert_503(await server.client.get("/v1/system/status"), "database_full", "60")
        await undo()
        assert (await server.client.post("/v1/project", json=LONG)).status_code == 200
        assert (await server.client.get("/v1/system/status")).status_code == 200


class TestLockHeldByAnotherProcess:
    async def test_a_write_waiting_out_busy_timeout_is_503(self, server: Server) -> None:
        server.use(Database(server.url, before_commit=BEFORE_COMMIT, busy_timeout=0.2))
        other = sqlite3.connect(server.url.removeprefix("sqlite+aiosqlite:///"), isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # holds the write lock, as another process's writer would
            assert_503(await server.client.post("/v1/project", json=PROJECT), "database_busy", "1")
            assert (await server.client.get("/v1/project")).status_code == 200
            assert_503(await server.client.get("/v1/system/status"), "database_busy", "1")
            other.execute("ROLLBACK")
            assert (await server.client.post("/v1/project", json=PROJECT)).status_code == 200
            assert (await server.client.get("/v1/system/status")).status_code == 200
        finally:
            other.close()


class TestWritersTakeTurns:
    async def test_a_write_waits_for_another_process_without_holding_up_the_event_loop(
        self, server: Server
    ) -> None:
        """A write that finds the lock held by another process waits in the connection's thread (SQLite's
        busy handler), while the event loop serves on; it succeeds once the lock is free."""
        other = sqlite3.connect(server.url.removeprefix("sqlite+aiosqlite:///"), isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # holds the write lock, as another process's writer would
            write = asyncio.create_task(server.client.post("/v1/project", json=PROJECT))
            started = time.monotonic()
            await asyncio.sleep(0.2)  # the write waits; the loop runs (not held for busy_timeout's 10 s)
            assert not write.done() and time.monotonic() - started < BUSY_TIMEOUT / 2
            assert (await server.client.get("/v1/project")).status_code == 200
            other.execute("ROLLBACK")
            assert (await write).status_code == 200
        finally:
            other.close()

    """In one process, writers queue in the event loop: none waits in SQLite's busy handler."""

    async def test_many_writers_at_once_all_succeed_without_any_busy_wait(self, server: Server) -> None:
        server.use(
            Database(server.url, before_commit=BEFORE_COMMIT, busy_timeout=0)
        )  # any contention in SQLite would fail at once
        # creating a pass reads first (key, template), then writes: no snapshot goes stale
        project = (await server.client.post("/v1/project", json=PROJECT)).json()
        body = {"name": "T", "vendor": "Apple", "fields": {}}
        template = (await server.client.post(f"/v1/template/{project['id']}", json=body)).json()
        requests = [server.client.post("/v1/project", json=PROJECT) for _ in range(32)]
        requests += [server.client.post(f"/v1/pass/{template['templateId']}", json={}) for _ in range(32)]
        answers = await asyncio.gather(*requests)
        assert [answer.status_code for answer in answers] == [200] * 64

    async def test_a_writer_waits_its_turn_then_gives_up_with_503(self, server: Server) -> None:
        database = Database(server.url, before_commit=BEFORE_COMMIT, write_wait=0.2)
        try:
            async with database.transaction() as first:
                await first.execute(insert(Account).values(name="first"))
                with pytest.raises(DatabaseBusy):
                    async with database.transaction() as second:
                        await second.execute(insert(Account).values(name="second"))
            async with database.transaction() as third:  # the turn was given back by both
                await third.execute(insert(Account).values(name="third"))
            async with database.transaction() as session:
                names = set((await session.scalars(select(Account.name))).all())
            assert {"first", "third"} <= names and "second" not in names
        finally:
            await database.dispose()

    async def test_a_failed_writer_gives_its_turn_back(self, server: Server) -> None:
        database = Database(server.url, before_commit=BEFORE_COMMIT, write_wait=0.2)
        try:
            with pytest.raises(RuntimeError):
                async with database.transaction() as session:
                    await session.execute(insert(Account).values(name="rolled back"))
                    raise RuntimeError("the request failed")
            async with database.transaction() as session:
                await session.execute(insert(Account).values(name="next"))
        finally:
            await database.dispose()


class TestUnreachable:
    UNREACHABLE = [
        "postgresql+asyncpg://passmint@127.0.0.1:9/passmint",  # nothing listens on port 9
        "sqlite+aiosqlite:////nonexistent/directory/passmint.db",
    ]

    @pytest.mark.parametrize("url", UNREACHABLE)
    async def test_requests_and_status_are_503(self, server: Server, url: str) -> None:
        server.use(Database(url, before_commit=BEFORE_COMMIT))
        assert_503(await server.client.get("/v1/project"), "database_unreachable", "5")
        assert_503(await server.client.get("/v1/system/status"), "database_unreachable", "5")


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="needs PASSMINT_TEST_DATABASE_URL")
async def test_a_postgresql_connection_lost_in_a_transaction_is_unreachable(
    settings: Settings, database: Database
) -> None:
    if database.is_sqlite:
        pytest.skip("PostgreSQL only")
    with pytest.raises(DatabaseUnreachable):
        async with database.transaction() as session:
            pid = await session.scalar(text("SELECT pg_backend_pid()"))
            async with database.transaction() as other:
                await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            await session.execute(text("SELECT 1"))


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"), DatabaseBusy),
        (asyncpg.exceptions.DiskFullError("could not extend file"), DatabaseFull),
        (asyncpg.exceptions.ReadOnlySQLTransactionError("read-only transaction"), DatabaseReadOnly),
        (asyncpg.exceptions.CannotConnectNowError("the database system is starting up"), DatabaseUnreachable),
        (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"), DatabaseUnreachable),
        (OSError(errno.ENOSPC, "No space left on device"), DatabaseFull),
        (OSError(errno.EROFS, "Read-only file system"), DatabaseReadOnly),
        (ConnectionRefusedError(errno.ECONNREFUSED, "refused"), DatabaseUnreachable),
    ],
)
def test_driver_errors_that_mean_unavailable(error: Exception, kind: type[Exception]) -> None:
    assert isinstance(unavailability(error), kind)


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.IntegrityError("UNIQUE constraint failed"),
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        RuntimeError("a bug"),
        httpx.ReadTimeout("a receiver was slow"),  # caused by a TimeoutError: not the database's
    ],
)
def test_other_errors_stay_what_they_are(error: Exception) -> None:
    assert unavailability(error) is None


def test_a_broken_connection_elsewhere_is_not_the_databases() -> None:
    assert unavailability(ConnectionRefusedError(errno.ECONNREFUSED, "refused"), database=False) is None


async def test_a_full_disk_outside_the_database_is_503(app: FastAPI) -> None:
    @app.get("/test-only/write-file")
    async def write_file() -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            response = await client.get("/test-only/write-file")
    finally:
        app.router.routes.pop()
    assert_503(response, "database_full", "60")


async def test_a_sqlite_statement_is_one_trip_to_the_connections_thread(database: Database) -> None:
    """Issue 13: SQLAlchemy's aiosqlite adapter made four hand-offs to aiosqlite's thread a statement
    (cursor, execute, fetch, close); passmint's driver makes one, and reads, writes and rowcounts as
    before."""
    if not database.is_sqlite:
        pytest.skip("SQLite's driver")
    async with database.transaction() as session:
        await session.execute(text("SELECT 1"))  # the connection is checked out and begun
        with handoffs() as trips:
            rows = (await session.execute(text("SELECT 1 UNION ALL SELECT 2"))).scalars().all()
            assert rows == [1, 2] and len(trips) == 1
            changed = await session.execute(text("UPDATE change_clock SET value = value WHERE id = 1"))
            assert changed.rowcount == 1 and len(trips) == 1  # type: ignore[attr-defined]  # a write: no trip
            await session.rollback()


async def test_a_writing_transaction_runs_without_a_trip_once_it_writes(database: Database) -> None:
    """Issue 13: a transaction's writes, its reads after them and its commit run in the event loop's thread,
    without a hand-off to the connection's thread (nothing can make them wait once the write lock is held,
    and a hand-off lets other requests run while every other writer waits for this one). Its reads before
    its first write still go to the thread (but for point lookups)."""
    if not database.is_sqlite:
        pytest.skip("SQLite's driver")
    with handoffs() as trips:
        async with database.transaction() as session:
            await session.execute(text("SELECT 1"))  # the connection is checked out
            trips.clear()
            before = (await session.execute(text("SELECT value FROM change_clock WHERE id = 1"))).scalar_one()
            await session.execute(text("UPDATE change_clock SET value = value + 1 WHERE id = 1"))
            after = (await session.execute(text("SELECT value FROM change_clock WHERE id = 1"))).scalar_one()
            assert after == before + 1
    assert len(trips) == 1  # the first read only: the update, the read after it and the commit made none
    async with database.transaction() as session:
        stored = (await session.execute(text("SELECT value FROM change_clock WHERE id = 1"))).scalar_one()
    assert stored == after  # committed


CLOCK = select(ChangeClock.value).where(ChangeClock.id == 1)


@contextmanager
def statement_threads(sqlite: sqlite3.Connection) -> Iterator[list[tuple[str, int]]]:
    """Each statement ``sqlite`` runs inside the block, with the thread it runs in."""
    ran: list[tuple[str, int]] = []
    sqlite.set_trace_callback(lambda statement: ran.append((statement, threading.get_ident())))
    try:
        yield ran
    finally:
        sqlite.set_trace_callback(None)


async def sqlite_of(session: AsyncSession) -> sqlite3.Connection:
    """The sqlite3 connection behind the session's (read only from the event loop's thread: nothing of
    the connection's runs in its own thread meanwhile)."""
    raw = await (await session.connection()).get_raw_connection()
    connection: sqlite3.Connection = raw.driver_connection._conn  # type: ignore[union-attr]
    return connection


async def test_a_point_lookup_runs_in_the_event_loops_thread(database: Database) -> None:
    """Issue 13: a read marked as a point lookup makes no hand-off to the connection's thread on SQLite
    (it runs in the event loop's, with ``busy_timeout`` 0 for the statement only); an unmarked read makes
    one. Both answer the same, on either database."""
    async with database.transaction() as session:
        await session.execute(text("SELECT 1"))  # the connection is checked out
        if not database.is_sqlite:
            assert await session.scalar(point_lookup(CLOCK)) == await session.scalar(CLOCK)
            return
        with handoffs() as trips, statement_threads(await sqlite_of(session)) as ran:
            marked = await session.scalar(point_lookup(CLOCK))
            assert trips == []
            unmarked = await session.scalar(CLOCK)
            assert len(trips) == 1
            timeout = await session.scalar(text("PRAGMA busy_timeout"))
    assert marked == unmarked == 0
    threads = [thread for statement, thread in ran if "change_clock" in statement]
    assert threads[0] == threading.get_ident() != threads[1]
    assert timeout == BUSY_TIMEOUT * 1000  # the connection's own again


SHM_HEADER_COPY = 48
"""Where the second copy of the WAL index header starts in the ``-shm`` file (sqlite.org/walformat.html):
while the two copies differ, a reader must rebuild the index (recovery)."""
SHM_LOCKS = 120
"""The ``-shm`` file's lock bytes: the write, checkpoint and recovery locks first."""
RECOVERING = f"""
import fcntl, os, sys
shm = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(shm, fcntl.LOCK_EX | fcntl.LOCK_NB, 3, {SHM_LOCKS})
kept = os.pread(shm, 1, {SHM_HEADER_COPY})
os.pwrite(shm, bytes([kept[0] ^ 0xFF]), {SHM_HEADER_COPY})
print("recovering", flush=True)
sys.stdin.readline()
os.pwrite(shm, kept, {SHM_HEADER_COPY})
"""
"""Another process as it recovers the WAL index: its locks held, the index's header in flux, until told
to finish (a line on its input)."""


async def test_a_point_lookup_waits_in_the_connections_thread_while_another_process_recovers(
    database: Database,
) -> None:
    """A point lookup that SQLite answers busy (in WAL mode: another process recovering the index, or
    holding the database in exclusive mode) goes to the connection's thread and waits there, in the busy
    handler, while the event loop serves on; it answers once the other process is done."""
    if not database.is_sqlite:
        pytest.skip("SQLite's driver")
    shm = f"{database.url.database}-shm"
    async with database.transaction() as session:
        expected = await session.scalar(CLOCK)  # the connection is checked out, the index built
        other = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            RECOVERING,
            shm,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert other.stdin is not None and other.stdout is not None
        try:
            assert await other.stdout.readline() == b"recovering\n"
            with handoffs() as trips:
                read = asyncio.create_task(session.scalar(point_lookup(CLOCK)))
                await asyncio.sleep(0.2)  # the loop runs; the read waits in the connection's thread
                assert not read.done() and len(trips) == 1
                other.stdin.write(b"done\n")
                assert await read == expected
        finally:
            other.stdin.close()
            await other.wait()
        assert await session.scalar(text("PRAGMA busy_timeout")) == BUSY_TIMEOUT * 1000
