"""Statistics over a year of activity: 1,000,000 registration events across 100 templates and 365 days.

Starts ``passmint serve`` on a free loopback port against a fresh database (SQLite by default, or
``--database-url postgresql+asyncpg://...``), makes a project and ``--templates`` templates through the
API, then writes passes and registrations straight into the database: ``--events`` install and uninstall
events (each registration is an install; an ended one is an uninstall too) spread over 365 days. It
recounts the counters with the ``passmint stats rebuild`` code (timed), then times ``--requests``
requests of project statistics and of a template's activity over the year (and of the project's), and
prints the figures as one JSON object (milliseconds; p50 and p95 of the requests), beside a plain
``GET /v1/project/{id}`` as the baseline of one authenticated read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.issue_passes import created_key, server
from passmint.app import open_database
from passmint.models import Device, Pass, Registration
from passmint.stats import service as stats_service
from tests.factories import PROJECT, apple_template

PASS_TYPE = "pass.dev.passmint"
DEVICES = 10_000
CHUNK = 5_000


def passes_and_registrations(
    account_id: int, template_ids: list[int], events: int, device_ids: list[int], now: datetime
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Chunks of (passes, their registrations): 3 of 4 passes installed twice (the first time removed),
    the rest once, and 1 in 10 removed at the end; ``events`` installs and uninstalls in all."""
    rng = random.Random(7)
    start = now - timedelta(days=364)
    made = 0
    index = 0
    while made < events:
        passes, registrations = [], []
        while len(passes) < CHUNK and made < events:
            created = start + timedelta(seconds=rng.uniform(0, 300 * 86400))
            times = [created + timedelta(seconds=rng.uniform(0, 30 * 86400))]
            ends: list[datetime | None] = [None]
            if index % 4 != 3:  # removed, and installed again
                ends[0] = times[0] + timedelta(seconds=rng.uniform(60, 10 * 86400))
                times.append(ends[0] + timedelta(seconds=rng.uniform(60, 10 * 86400)))
                ends.append(None)
            if index % 10 == 0:
                ends[-1] = times[-1] + timedelta(seconds=rng.uniform(60, 10 * 86400))
            pass_id = uuid.uuid4().hex
            passes.append(
                {"account_id": account_id, "template_id": template_ids[index % len(template_ids)],
                 "serial_number": pass_id, "authentication_token": pass_id, "public_token": pass_id,
                 "values": {"fields": {}}, "image_digests": {}, "created_at": created, "updated_at": created,
                 "installed_at": times[-1], "uninstalled_at": ends[-1]}
            )  # fmt: skip
            device = rng.choice(device_ids)
            for begun, ended in zip(times, ends, strict=True):
                registrations.append(
                    {"id": uuid.uuid4(), "serial": pass_id, "device_id": device, "wallet": "passbook",
                     "pass_type_identifier": PASS_TYPE, "device_os": "ios", "created_at": begun,
                     "ended_at": ended}
                )  # fmt: skip
                made += 1 + (ended is not None)
            index += 1
        yield passes, registrations


async def seed(database_url: str, account_id: int, template_ids: list[int], events: int) -> dict[str, int]:
    """Passes, devices and registrations written directly; how many of each."""
    database = open_database(database_url)
    counts = {"passes": 0, "registrations": 0, "events": 0}
    now = datetime.now(UTC)
    async with database.transaction() as session:
        await session.execute(
            insert(Device),
            [{"device_library_identifier": f"d-{n}", "push_token": f"t{n}"} for n in range(DEVICES)],
        )
        device_ids = list((await session.scalars(select(Device.id))).all())
    for passes, registrations in passes_and_registrations(account_id, template_ids, events, device_ids, now):
        async with database.transaction() as session:
            await session.execute(insert(Pass), passes)
            serials = [row["serial_number"] for row in passes]
            ids = dict((await session.execute(select(Pass.serial_number, Pass.id).where(
                Pass.serial_number.in_(serials)))).all())  # fmt: skip
            for row in registrations:
                row["pass_id"] = ids[row.pop("serial")]
            await session.execute(insert(Registration), registrations)
        counts["passes"] += len(passes)
        counts["registrations"] += len(registrations)
        counts["events"] += sum(1 + (row["ended_at"] is not None) for row in registrations)
    await database.dispose()
    return counts


async def rebuild(database_url: str) -> float:
    database = open_database(database_url)
    started = time.perf_counter()
    async with database.transaction() as session:
        await stats_service.rebuild(session)
    elapsed = time.perf_counter() - started
    await database.dispose()
    return elapsed


def timed(client: httpx.Client, path: str, requests: int) -> dict[str, float]:
    assert client.get(path).status_code == 200  # warm
    took = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        took.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    cuts = statistics.quantiles(took, n=20)
    return {"p50_ms": round(statistics.median(took), 2), "p95_ms": round(cuts[18], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--templates", type=int, default=100)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    with server(args.database_url, 1) as (url, env):
        key = created_key(env)
        auth = key["key"], key["secret"]
        with httpx.Client(base_url=url, auth=auth, timeout=120) as client:
            project = client.post("/v1/project", json=PROJECT).raise_for_status().json()
            template_ids = [
                client.post(f"/v1/template/{project['id']}", json=apple_template())
                .raise_for_status()
                .json()["templateId"]
                for _ in range(args.templates)
            ]
            database_url = args.database_url or f"sqlite+aiosqlite:///{env['PASSMINT_DATA_DIR']}/passmint.db"
            started = time.perf_counter()
            counts = asyncio.run(seed(database_url, key["account_id"], template_ids, args.events))
            seeded = time.perf_counter() - started
            rebuilt = asyncio.run(rebuild(database_url))
            today = datetime.now(UTC).date()
            year = f"{(today - timedelta(days=364)).isoformat()}/{today.isoformat()}"
            results = {
                "get_project_baseline": timed(client, f"/v1/project/{project['id']}", args.requests),
                "project_stats": timed(client, f"/v1/project/{project['id']}/stats", args.requests),
                "template_activity_year": timed(
                    client, f"/v1/template/{template_ids[0]}/activity/{year}", args.requests
                ),
                "project_activity_year": timed(
                    client, f"/v1/project/{project['id']}/activity/{year}", args.requests
                ),
                "stats_rebuild_s": round(rebuilt, 2),
            }
            summary = client.get(f"/v1/project/{project['id']}/stats").json()
    database = "postgresql" if args.database_url else "sqlite"
    figures = {"database": database, "templates": args.templates, **counts, "seed_s": round(seeded, 1)}
    totals = {"installed": summary["installed"], "uninstalled": summary["uninstalled"]}
    print(json.dumps(figures | results | totals))


if __name__ == "__main__":
    main()
