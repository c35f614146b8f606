"""Apple's web service under load: "list updatable passes" and "latest pass", with 100,000 registrations.

Starts ``passmint serve`` on a free loopback port against a fresh database (SQLite by default, or
``--database-url postgresql+asyncpg://...``), makes a template through the API, then seeds 10,000 passes
and 10,000 devices each registered for 10 of them (100,000 registrations) straight into the database.
It then sends ``--requests`` requests to each endpoint with ``--concurrency`` in flight and prints, per
endpoint, requests per second and p50/p99 latency as one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.issue_passes import api_key, server
from passmint.app import open_database
from passmint.kit.security import new_token
from passmint.models import Device, Pass, Registration, Template
from tests.factories import PROJECT, apple_template

PASS_TYPE = "pass.dev.passmint"


async def seed(
    database_url: str, template_id: int, passes: int, devices: int, per_device: int
) -> list[tuple[str, str]]:
    """Passes and registrations written directly; the (serial, token) of every pass."""
    database = open_database(database_url)
    async with database.transaction() as session:
        template = await session.scalar(select(Template).where(Template.id == template_id))
        assert template is not None
        rows = [
            {"account_id": template.account_id, "template_id": template_id,
             "serial_number": str(uuid.uuid4()), "authentication_token": new_token(24),
             "public_token": new_token(24), "values": {"fields": {}}, "image_digests": {}}
            for _ in range(passes)
        ]  # fmt: skip
        await session.execute(insert(Pass), rows)
        ids = (
            await session.scalars(select(Pass.id).where(Pass.template_id == template_id).order_by(Pass.id))
        ).all()
        await session.execute(
            insert(Device),
            [{"device_library_identifier": f"device-{n}", "push_token": f"t{n}"} for n in range(devices)],
        )
        device_ids = (await session.scalars(select(Device.id).order_by(Device.id))).all()
        registrations = [
            {"id": uuid.uuid4(), "pass_id": ids[(n * per_device + k) % len(ids)], "device_id": device_id,
             "pass_type_identifier": PASS_TYPE, "wallet": "passbook", "device_os": "ios"}
            for n, device_id in enumerate(device_ids) for k in range(per_device)
        ]  # fmt: skip
        for start in range(0, len(registrations), 10_000):
            await session.execute(insert(Registration), registrations[start : start + 10_000])
    await database.dispose()
    return [(row["serial_number"], row["authentication_token"]) for row in rows]


async def load(count: int, concurrency: int, request: Callable[[int], Awaitable[int]]) -> dict[str, float]:
    """Run ``request(i)`` ``count`` times, ``concurrency`` at once; rate and latency percentiles."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue = iter(range(count))

    async def worker() -> None:
        for index in queue:
            started = time.perf_counter()
            try:
                status = await request(index)
            except httpx.TransportError:
                status = 0  # no answer: counted under "0"
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": count,
        "per_s": round(count / elapsed, 1),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
        "statuses": {str(code): n for code, n in sorted(statuses.items())},  # type: ignore[dict-item]
    }


async def run(
    url: str, passes: list[tuple[str, str]], devices: int, requests: int, concurrency: int
) -> dict[str, object]:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:

        async def updatable(index: int) -> int:
            response = await client.get(
                f"/apple/v1/devices/device-{index % devices}/registrations/{PASS_TYPE}"
            )
            return response.status_code

        async def latest(index: int) -> int:
            serial, token = passes[index % len(passes)]
            headers = {"Authorization": f"ApplePass {token}"}
            return (await client.get(f"/apple/v1/passes/{PASS_TYPE}/{serial}", headers=headers)).status_code

        return {
            "list_updatable": await load(requests, concurrency, updatable),
            "latest_pass": await load(requests, concurrency, latest),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=10_000)
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--per-device", type=int, default=10)
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="API processes (uvicorn workers)")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    with server(args.database_url, args.workers) as (url, env):
        auth = api_key(env)
        project = httpx.post(f"{url}/v1/project", json=PROJECT, auth=auth).raise_for_status().json()
        template = httpx.post(
            f"{url}/v1/template/{project['id']}", json=apple_template(), auth=auth
        ).raise_for_status()
        database_url = args.database_url or f"sqlite+aiosqlite:///{env['PASSMINT_DATA_DIR']}/passmint.db"
        passes = asyncio.run(
            seed(database_url, template.json()["templateId"], args.passes, args.devices, args.per_device)
        )
        results = asyncio.run(run(url, passes, args.devices, args.requests, args.concurrency))
    database = "postgresql" if args.database_url else "sqlite"
    registrations = args.devices * args.per_device
    print(json.dumps({"database": database, "workers": args.workers, "concurrency": args.concurrency,
                      "registrations": registrations, "passes": args.passes, **results}))  # fmt: skip


if __name__ == "__main__":
    main()
