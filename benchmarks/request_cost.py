"""What one request of each hot API path costs the server, measured in process; prints JSON.

Builds the app in this process on a fresh database (SQLite by default), makes a template and
``--seed`` passes through the API (with Apple's web service: ``--devices`` devices registered for them,
each pass fetched once by its device, see ``apple_paths``), then sends each path's request
``--requests`` times, one at a time,
through httpx's ASGI transport (no sockets, no load client on the cores). Per path it prints the CPU
time per request in milliseconds (the client's share included, which is the same for every build),
the SQL statements per request, and the Python function calls per request counted by cProfile in a
second pass (which, unlike times, does not move when other work shares the machine; coroutine
resumptions count as calls). ``download_vs_sign`` is a raw RSA-2048 signature's CPU time over a
cached download's (issue 13 asks for 0.5: a signed pass served at half the raw signing rate). Use it
to see where a change moves a path's cost; ``baseline.py``
measures the same paths over HTTP against the stack's ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import json
import pstats
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.apple_paths import WebService, passmint_phones
from benchmarks.issue_passes import coupon_template, issue_pass
from benchmarks.pkpass_throughput import raw_sign_ms
from passmint import migrate
from passmint.accounts import service as account_service
from passmint.app import create_app
from passmint.config import Settings

Request = Callable[[int], Awaitable[httpx.Response]]


def paths(
    client: httpx.AsyncClient, template_id: int, ids: list[int], phones: WebService
) -> dict[str, Request]:
    """The measured requests, each taking the request's index (registering last: a device registering
    marks its pass installed, which changes it)."""

    def body(index: int) -> dict[str, Any]:
        return {
            "fields": {"Coupon": {"value": f"{index % 90}%"}},
            "headers": {"barcode_value": {"value": f"M{index}"}},
        }

    return {
        "get_pass": lambda i: client.get(f"/v1/pass/{ids[i % len(ids)]}"),
        "create_pass": lambda i: client.post(f"/v1/pass/{template_id}", json=body(i)),
        "update_pass": lambda i: client.put(
            f"/v1/pass/{ids[i % len(ids)]}", json={"fields": body(i)["fields"]}
        ),
        "list_passes": lambda _i: client.get("/v1/pass", params={"pageSize": 10}),
        # A signed pass unchanged since it was last signed: served from the cache of signed bytes.
        "download_pass": lambda i: client.get(f"/v1/pass/{ids[i % len(ids)]}/download"),
        "apple_list_updatable": phones.updatable,
        "apple_latest_pass": phones.latest,
        "apple_register": phones.register,
    }


async def measure(request: Request, count: int, engine: Any, warm: int = 20) -> dict[str, float]:
    """CPU ms, statements and Python calls per request of ``request``, after ``warm`` requests (one per
    pass: a download is then measured as a repeat download, each pass signed once before)."""
    for index in range(warm):
        (await request(index)).raise_for_status()
    sent: list[str] = []

    def note(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    started = time.process_time()
    for index in range(count):
        (await request(index)).raise_for_status()
    cpu = time.process_time() - started
    event.remove(engine, "before_cursor_execute", note)
    profile = cProfile.Profile()
    profile.enable()
    for index in range(count):
        await request(index)
    profile.disable()
    return {
        "cpu_ms": round(cpu * 1000 / count, 2),
        "statements": round(len(sent) / count, 2),
        "python_calls": round(pstats.Stats(profile).total_calls / count),  # type: ignore[attr-defined]
    }


async def run(
    database_url: str | None, requests: int, seed: int, devices: int
) -> dict[str, dict[str, float]]:
    directory = Path(tempfile.mkdtemp(prefix="passmint-cost-"))
    url = database_url or f"sqlite+aiosqlite:///{directory / 'passmint.sqlite'}"
    await asyncio.to_thread(migrate.upgrade, url)
    settings = Settings(
        data_dir=directory, database_url=url, embedded_worker=False, secret_key=SecretStr("bench")
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with app.state.db.transaction() as session:
            issued = await account_service.create_key(session, name="bench")
        secret = base64.b64encode(f"{issued.api_key.key}:{issued.secret}".encode()).decode()
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Basic {secret}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://localhost", headers=headers
        ) as client:
            template_id = await coupon_template(client)
            ids = [await issue_pass(client, template_id, index) for index in range(seed)]
            async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as anonymous:
                held = [await issue_pass(client, template_id, index) for index in range(seed)]
                phones = await passmint_phones(client, anonymous, held, devices)  # passes of their own
                engine = app.state.db.engine.sync_engine
                return {
                    name: await measure(request, requests, engine, max(20, seed))
                    for name, request in paths(client, template_id, ids, phones).items()
                }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="requests per path (each pass)")
    parser.add_argument("--seed", type=int, default=50, help="passes made before measuring")
    parser.add_argument("--devices", type=int, default=5, help="devices registered for the passes")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    figures = asyncio.run(run(args.database_url, args.requests, args.seed, args.devices))
    sign_ms = raw_sign_ms(args.requests)
    database = "postgresql" if args.database_url else "sqlite"
    download_ratio = round(sign_ms / figures["download_pass"]["cpu_ms"], 3)
    print(json.dumps({"database": database, "requests": args.requests, "paths": figures,
                      "sign_ms": sign_ms, "download_vs_sign": download_ratio}))  # fmt: skip


if __name__ == "__main__":
    main()
