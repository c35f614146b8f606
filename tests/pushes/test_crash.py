"""``kill -9`` of the only worker in the middle of a 2,000-pass bulk update, then a restart: the ticket
completes within a minute, every device is pushed, and a device pushed twice got the same push twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from passmint.config import Settings
from passmint.db import Database
from passmint.models import Job
from tests.conftest import ApiClient
from tests.factories import create_pass, create_project, create_template, passes_like
from tests.pushes.apns_standin import ApnsStandIn
from tests.pushes.conftest import hold
from tests.support.waiting import poll

PASSES = 2_000
LEASE = 2
"""Seconds a worker's claim lasts unless renewed (30 by default; short here to keep the test short)."""
RECOVERY = 60.0
"""Issue 10: after the restart, the ticket completes within a minute."""


@pytest.mark.slow
async def test_a_bulk_update_cut_short_by_kill_9_completes_after_a_restart(
    api: ApiClient, database: Database, settings: Settings, apns: ApnsStandIn, tmp_path: Path
) -> None:
    template_id = await create_template(api, (await create_project(api))["id"])
    pass_ids = await many_passes(database, template_id, first=(await create_pass(api, template_id))["id"])
    devices = await hold(database, pass_ids)
    stuck = devices[PASSES * 3 // 5]  # in the third of the update's four batches
    apns.hold(stuck, times=1)  # its first push is never answered: the worker dies waiting for it

    response = await api.put(
        f"/v1/template/{template_id}/passes", json={"fields": {"Coupon": {"value": "9%"}}}
    )
    ticket_id = response.json()["ticketId"]
    log = tmp_path / "workers.log"
    doomed = start_worker(settings, apns, log)
    restarted = None
    try:
        await poll(pushed_at_least(apns, {stuck}), "the worker is pushing the third batch", seconds=RECOVERY)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        assert await held_by(database, doomed.pid) > 0, "the worker was to die holding jobs"
        assert (await ticket(api, ticket_id))["status"] != "COMPLETED"

        restarted = start_worker(settings, apns, log)
        started = time.monotonic()
        await poll(completed(api, ticket_id), "the ticket completes after the restart", seconds=RECOVERY)
        assert time.monotonic() - started < RECOVERY
    finally:
        for process in (doomed, restarted):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=10)
    done = await ticket(api, ticket_id)
    assert (done["status"], done["done"], done["total"]) == ("COMPLETED", PASSES, PASSES), log.read_text()
    assert {request.token for request in apns.requests} == set(devices)  # nothing lost
    ids: dict[str, set[str]] = {}
    for request in apns.requests:
        ids.setdefault(request.token, set()).add(request.headers["apns-id"])
    assert len(apns.requests) > PASSES, "some pushes were to be sent twice"
    assert {token: len(seen) for token, seen in ids.items() if len(seen) > 1} == {}  # twice: the same push


async def ticket(api: ApiClient, ticket_id: int) -> dict[str, object]:
    return (await api.get(f"/v1/ticket/{ticket_id}")).json()  # type: ignore[no-any-return]


def pushed_at_least(apns: ApnsStandIn, tokens: set[str]) -> Callable[[], Awaitable[bool]]:
    async def condition() -> bool:
        return tokens <= {request.token for request in apns.requests}

    return condition


def completed(api: ApiClient, ticket_id: int) -> Callable[[], Awaitable[bool]]:
    async def condition() -> bool:
        return (await ticket(api, ticket_id))["status"] == "COMPLETED"

    return condition


async def held_by(database: Database, pid: int) -> int:
    """How many jobs the worker of process ``pid`` holds."""
    async with database.transaction() as session:
        statement = select(func.count()).where(Job.status == "running", Job.locked_by.like(f"%:{pid}:%"))
        return await session.scalar(statement) or 0


async def many_passes(database: Database, template_id: int, *, first: int) -> list[int]:
    """``PASSES`` passes of the template: ``first`` and new ones written straight to the database."""
    async with database.transaction() as session:
        return await passes_like(session, template_id, first, PASSES)


def start_worker(settings: Settings, apns: ApnsStandIn, log: Path) -> subprocess.Popen[bytes]:
    """A ``passmint worker`` process on the test database, pushing to the stand-in."""
    assert settings.secret_key is not None
    environment = os.environ | {
        "PASSMINT_DATABASE_URL": settings.database,
        "PASSMINT_DATA_DIR": str(settings.data_dir),  # its development certificate, which the stand-in trusts
        "PASSMINT_SECRET_KEY": settings.secret_key.get_secret_value(),
        "PASSMINT_APNS_URL": apns.url,
        "PASSMINT_APNS_CA_FILE": apns.ca_file,
        "PASSMINT_JOB_LEASE_SECONDS": str(LEASE),
        "PASSMINT_LOG_LEVEL": "WARNING",
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "passmint", "worker", "--concurrency", "4"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
