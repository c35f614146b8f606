"""A worker killed halfway through pushing a 10,000-pass update: a second one pushes everyone left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from passmint.config import Settings
from passmint.db import Database
from passmint.kit.security import new_token
from passmint.kit.time import utcnow
from passmint.models import Pass
from tests.apple.apns_standin import ApnsStandIn
from tests.conftest import ApiClient
from tests.factories import create_pass, create_project, create_template
from tests.pushes.conftest import hold
from tests.waiting import poll

PASSES = 10_000
WAIT = 120.0
EXPIRE = text("UPDATE jobs SET locked_until = :past WHERE status = 'running' AND locked_by LIKE :name")


async def test_a_killed_worker_leaves_no_device_unpushed(
    api: ApiClient, database: Database, settings: Settings, apns: ApnsStandIn, tmp_path: Path
) -> None:
    template_id = await create_template(api, (await create_project(api))["id"])
    pass_ids = await many_passes(database, template_id, first=(await create_pass(api, template_id))["id"])
    devices = set(await hold(database, pass_ids))

    response = await api.put(
        f"/v1/template/{template_id}/passes", json={"fields": {"Coupon": {"value": "9%"}}}
    )
    ticket_id = response.json()["ticketId"]
    log = tmp_path / "workers.log"
    doomed = start_worker(settings, apns, log)
    survivor = None
    try:
        await poll(pushed_at_least(apns, PASSES // 2), "half the devices are pushed", seconds=WAIT)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        assert len(pushed(apns)) < len(devices), "the worker was to die halfway"
        async with database.transaction() as session:  # as if its leases ran out
            past = utcnow() - timedelta(seconds=1)
            await session.execute(EXPIRE, {"past": past, "name": f"%:{doomed.pid}:%"})

        survivor = start_worker(settings, apns, log)
        await poll(pushed_at_least(apns, len(devices)), "every device is pushed", seconds=WAIT)
        await poll(completed(api, ticket_id), "the ticket is complete", seconds=WAIT)
    finally:
        for process in (doomed, survivor):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=10)
    ticket = (await api.get(f"/v1/ticket/{ticket_id}")).json()
    assert (ticket["status"], ticket["done"], ticket["total"]) == ("COMPLETED", len(devices), len(devices))
    assert pushed(apns) == devices  # each at least once; those of the cut-short batch twice, perhaps


def pushed(apns: ApnsStandIn) -> set[str]:
    return {request.token for request in apns.requests}


def pushed_at_least(apns: ApnsStandIn, count: int) -> Callable[[], Awaitable[bool]]:
    async def condition() -> bool:
        return len(pushed(apns)) >= count

    return condition


def completed(api: ApiClient, ticket_id: int) -> Callable[[], Awaitable[bool]]:
    async def condition() -> bool:
        return (await api.get(f"/v1/ticket/{ticket_id}")).json()["status"] == "COMPLETED"  # type: ignore[no-any-return]

    return condition


async def many_passes(database: Database, template_id: int, *, first: int) -> list[int]:
    """``PASSES`` passes of the template: ``first`` and new ones written straight to the database."""
    async with database.transaction() as session:
        account_id = await session.scalar(select(Pass.account_id).where(Pass.id == first))
        rows: list[dict[str, object]] = [
            {
                "account_id": account_id,
                "template_id": template_id,
                "serial_number": str(uuid.uuid4()),
                "authentication_token": new_token(),
                "public_token": new_token(),
                "values": {},
            }
            for _ in range(PASSES - 1)
        ]
        created = await session.scalars(insert(Pass).returning(Pass.id), rows)
        return [first, *created]


def start_worker(settings: Settings, apns: ApnsStandIn, log: Path) -> subprocess.Popen[bytes]:
    assert settings.secret_key is not None
    environment = os.environ | {
        "PASSMINT_DATABASE_URL": settings.database,
        "PASSMINT_DATA_DIR": str(settings.data_dir),  # its development certificate, which the stand-in trusts
        "PASSMINT_SECRET_KEY": settings.secret_key.get_secret_value(),
        "PASSMINT_APNS_URL": apns.url,
        "PASSMINT_APNS_CA_FILE": apns.ca_file,
        "PASSMINT_LOG_LEVEL": "WARNING",
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "passmint", "worker", "--concurrency", "4"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
