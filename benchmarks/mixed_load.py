"""Mixed reads and writes with many requests in flight: no 5xx, and every acknowledged write kept.

Starts ``passmint serve`` on a free loopback port against a fresh database (a SQLite file by default,
or ``--database-url postgresql+asyncpg://...``), creates an API key, a project and a few templates,
then keeps ``--concurrency`` requests in flight for ``--duration`` seconds, each one of: create a
pass, update a pass, get a pass, list passes, get a template, patch a template, create a template.
Each client task updates only what it created, so the last write it saw acknowledged is what the
database must hold. At the end every acknowledged write is read back through the API; a pass or
template that is missing or holds something else counts as a lost write. Prints requests, requests
per second, p50/p99 per kind, the count of 5xx answers and of lost writes as one JSON object, and
exits non-zero when either is not 0 (or a request went unanswered).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.issue_passes import api_key, server
from tests.factories import PROJECT, apple_template

KINDS = {  # kind: weight (out of 100)
    "create_pass": 20,
    "update_pass": 20,
    "get_pass": 25,
    "list_passes": 15,
    "get_template": 8,
    "patch_template": 7,
    "create_template": 5,
}


@dataclass
class Written:
    """What one client task wrote: the last acknowledged value of each object, and values whose
    outcome is unknown (no answer, or an error answer) that the object may hold instead."""

    acknowledged: dict[int, str] = field(default_factory=dict)
    unknown: dict[int, set[str]] = field(default_factory=dict)

    def ack(self, key: int, value: str) -> None:
        self.acknowledged[key] = value
        self.unknown.pop(key, None)

    def maybe(self, key: int, value: str) -> None:
        self.unknown.setdefault(key, set()).add(value)

    def accepts(self, key: int, stored: str | None) -> bool:
        return stored == self.acknowledged[key] or stored in self.unknown.get(key, set())


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    statuses: Counter[int] = field(default_factory=Counter)
    unanswered: Counter[str] = field(default_factory=Counter)


class Client:
    """One of the ``--concurrency`` tasks: a stream of requests, one at a time."""

    def __init__(
        self, number: int, http: httpx.AsyncClient, project_id: int, templates: list[int], shared: list[int]
    ) -> None:
        self.number, self.http, self.project_id = number, http, project_id
        self.templates, self.shared = templates, shared
        self.passes, self.own_templates = Written(), Written()
        self.sequence = 0
        self.random = random.Random(number)  # a load mix, not a secret

    def value(self) -> str:
        self.sequence += 1
        return f"c{self.number}-{self.sequence}"

    async def create_pass(self) -> httpx.Response:
        value = self.value()
        body = {"fields": {"Coupon": {"value": value}}}
        response = await self.http.post(f"/v1/pass/{self.random.choice(self.templates)}", json=body)
        if response.status_code == 200:
            pass_id = response.json()["id"]
            self.passes.ack(pass_id, value)
            self.shared.append(pass_id)
        return response

    async def update_pass(self) -> httpx.Response:
        if not self.passes.acknowledged:
            return await self.create_pass()
        pass_id = self.random.choice(list(self.passes.acknowledged))
        value = self.value()
        response = await self.http.put(f"/v1/pass/{pass_id}", json={"fields": {"Coupon": {"value": value}}})
        (self.passes.ack if response.status_code == 200 else self.passes.maybe)(pass_id, value)
        return response

    async def get_pass(self) -> httpx.Response:
        return await self.http.get(f"/v1/pass/{self.random.choice(self.shared)}")

    async def list_passes(self) -> httpx.Response:
        return await self.http.get("/v1/pass", params={"pageSize": 50, "page": self.random.randint(1, 5)})

    async def get_template(self) -> httpx.Response:
        return await self.http.get(f"/v1/templates/{self.random.choice(self.templates)}")

    async def create_template(self) -> httpx.Response:
        value = self.value()
        body = apple_template(description=value, name=f"Template {value}")
        response = await self.http.post(f"/v1/template/{self.project_id}", json=body)
        if response.status_code == 200:
            self.own_templates.ack(response.json()["templateId"], value)
        return response

    async def patch_template(self) -> httpx.Response:
        if not self.own_templates.acknowledged:
            return await self.create_template()
        template_id = self.random.choice(list(self.own_templates.acknowledged))
        value = self.value()
        response = await self.http.patch(f"/v1/templates/{template_id}", json={"description": value})
        written = self.own_templates.ack if response.status_code == 200 else self.own_templates.maybe
        written(template_id, value)
        return response

    async def run(self, deadline: float, tally: Tally) -> None:
        kinds, weights = list(KINDS), list(KINDS.values())
        while time.monotonic() < deadline:
            kind = self.random.choices(kinds, weights)[0]
            request: Callable[[], Awaitable[httpx.Response]] = getattr(self, kind)
            started = time.perf_counter()
            try:
                status = (await request()).status_code
            except httpx.TransportError as error:
                status = 0  # no answer
                tally.unanswered[f"{kind}: {type(error).__name__}: {error}"] += 1
            tally.latencies[kind].append(time.perf_counter() - started)
            tally.statuses[status] += 1


async def lost_writes(http: httpx.AsyncClient, clients: list[Client]) -> tuple[int, int]:
    """(writes checked, writes lost): every acknowledged pass and template read back."""
    checks: list[tuple[str, Written, int, str]] = []
    for client in clients:
        checks += [("pass", client.passes, key, f"/v1/pass/{key}") for key in client.passes.acknowledged]
        checks += [
            ("template", client.own_templates, key, f"/v1/templates/{key}")
            for key in client.own_templates.acknowledged
        ]
    lost = 0
    limit = asyncio.Semaphore(16)

    async def check(kind: str, written: Written, key: int, path: str) -> None:
        nonlocal lost
        async with limit:
            response = await http.get(path)
        stored = None
        if response.status_code == 200:
            body = response.json()
            stored = body["fields"]["Coupon"]["value"] if kind == "pass" else body.get("description")
        if not written.accepts(key, stored):
            lost += 1

    await asyncio.gather(*(check(*item) for item in checks))
    return len(checks), lost


def percentiles(latencies: list[float]) -> dict[str, float | int]:
    if len(latencies) < 2:
        return {"requests": len(latencies)}
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
    }


async def run(url: str, auth: tuple[str, str], duration: float, concurrency: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, auth=auth, limits=limits, timeout=120) as http:
        project = (await http.post("/v1/project", json=PROJECT)).raise_for_status().json()
        templates = []
        for number in range(4):
            body = apple_template(name=f"Seed {number}")
            created = (await http.post(f"/v1/template/{project['id']}", json=body)).raise_for_status()
            templates.append(created.json()["templateId"])
        shared = []
        for number in range(50):
            body = {"fields": {"Coupon": {"value": f"seed-{number}"}}}
            created = (await http.post(f"/v1/pass/{templates[number % 4]}", json=body)).raise_for_status()
            shared.append(created.json()["id"])
        clients = [Client(number, http, project["id"], templates, shared) for number in range(concurrency)]
        tally = Tally()
        started = time.perf_counter()
        deadline = time.monotonic() + duration
        await asyncio.gather(*(client.run(deadline, tally) for client in clients))
        elapsed = time.perf_counter() - started
        checked, lost = await lost_writes(http, clients)
    requests = sum(tally.statuses.values())
    return {
        "requests": requests,
        "per_s": round(requests / elapsed, 1),
        "kinds": {kind: percentiles(values) for kind, values in tally.latencies.items()},
        "statuses": {str(code): count for code, count in sorted(tally.statuses.items())},
        "server_errors": sum(count for code, count in tally.statuses.items() if code >= 500),
        "unanswered": tally.statuses.get(0, 0),
        "unanswered_by": dict(tally.unanswered),
        "writes_checked": checked,
        "lost_writes": lost,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight")
    parser.add_argument("--workers", type=int, default=1, help="API processes (uvicorn workers)")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    with server(args.database_url, args.workers) as (url, env):
        auth = api_key(env)
        results = asyncio.run(run(url, auth, args.duration, args.concurrency))
    database = "postgresql" if args.database_url else "sqlite"
    print(json.dumps({"database": database, "workers": args.workers, "concurrency": args.concurrency,
                      "duration_s": args.duration, **results}))  # fmt: skip
    if results["server_errors"] or results["lost_writes"] or results["unanswered"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
