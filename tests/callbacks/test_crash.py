"""A ``passmint worker`` killed in the middle of deliveries loses no callback: another worker sends them
once the dead one's leases run out, under the same ``webhook-id``."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from passmint.callbacks import service
from passmint.config import Settings
from passmint.db import Database
from passmint.models import Job, Pass
from tests.callbacks import Receiver, project_with_pass, set_callback
from tests.conftest import ApiClient
from tests.support.waiting import poll

EVENTS = 20
SLOW = 0.4
"""Seconds the receiver takes to answer, so the first worker dies with deliveries under way."""
WAIT = 20.0
LEASE = 2
"""Seconds a worker's claim lasts unless renewed (30 by default; short here to keep the test short)."""


def arrived(receiver: Receiver, expected: set[str]) -> Callable[[], Awaitable[bool]]:
    async def condition() -> bool:
        return receiver.delivery_ids() >= expected

    return condition


async def jobs_by_status(database: Database) -> dict[str, int]:
    async with database.transaction() as session:
        rows = await session.scalars(select(Job.status).where(Job.name == service.DELIVER))
        counts: dict[str, int] = {}
        for status in rows:
            counts[status] = counts.get(status, 0) + 1
        return counts


def start_worker(settings: Settings, data_dir: Path, log: Path, concurrency: int) -> subprocess.Popen[bytes]:
    assert settings.secret_key is not None
    environment = os.environ | {
        "PASSMINT_DATABASE_URL": settings.database,
        "PASSMINT_DATA_DIR": str(data_dir),
        "PASSMINT_SECRET_KEY": settings.secret_key.get_secret_value(),
        "PASSMINT_ALLOW_PRIVATE_NETWORKS": "true",
        "PASSMINT_JOB_LEASE_SECONDS": str(LEASE),
        "PASSMINT_LOG_LEVEL": "WARNING",
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "passmint", "worker", "--concurrency", str(concurrency)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=output,
        )


@pytest.mark.slow
async def test_a_killed_worker_loses_no_callback(
    api: ApiClient, database: Database, settings: Settings, tmp_path: Path
) -> None:
    log = tmp_path / "workers.log"
    with Receiver(delay=SLOW) as receiver:
        expected = await queued_installs(api, database, receiver)

        doomed = start_worker(settings, tmp_path, log, concurrency=4)
        survivor = start_worker(settings, tmp_path, log, concurrency=8)
        try:
            await poll(running_in(database, doomed.pid), "the doomed worker holds a delivery", seconds=WAIT)
            await asyncio.sleep(SLOW / 4)  # its requests are on their way, unanswered
            doomed.send_signal(signal.SIGKILL)
            doomed.wait(timeout=10)
            assert await running_in(database, doomed.pid)(), "the worker was to die with deliveries under way"
            await poll(arrived(receiver, expected), "every callback arrives", seconds=WAIT)
            await poll(all_done(database), "every delivery is done", seconds=WAIT)
        finally:
            for process in (doomed, survivor):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            assert survivor.wait(timeout=10) == 0, log.read_text()
    assert receiver.delivery_ids() == expected  # each delivery sent again carried its first one's id
    assert len(receiver.received) >= EVENTS  # some twice, perhaps: what webhook-id is for


async def queued_installs(api: ApiClient, database: Database, receiver: Receiver) -> set[str]:
    """``EVENTS`` install callbacks queued for ``receiver``; their delivery ids."""
    made = await project_with_pass(api)
    await set_callback(api, made.project_id, receiver.url("/hooks"))
    async with database.transaction() as session:
        pass_ = await session.get(Pass, made.pass_id)
        assert pass_ is not None
        for _ in range(EVENTS):
            await service.emit(session, pass_, "install", platform="ios")
    async with database.transaction() as session:
        jobs = (await session.scalars(select(Job).where(Job.name == service.DELIVER))).all()
    expected = {job.payload["delivery_id"] for job in jobs}
    assert len(expected) == EVENTS
    return expected


def running_in(database: Database, pid: int) -> Callable[[], Awaitable[bool]]:
    """Whether the worker of process ``pid`` holds a delivery."""
    statement = select(Job.id).where(Job.status == "running", Job.locked_by.like(f"%:{pid}:%"))

    async def condition() -> bool:
        async with database.transaction() as session:
            return (await session.scalars(statement)).first() is not None

    return condition


def all_done(database: Database) -> Callable[[], Awaitable[bool]]:
    async def condition() -> bool:
        return await jobs_by_status(database) == {"done": EVENTS}

    return condition
