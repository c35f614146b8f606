"""Issue passes through the HTTP API of a running server, then download some; prints rates as JSON.

Starts ``passmint serve`` on a free loopback port against a fresh database (a SQLite file by default,
or ``--database-url postgresql+asyncpg://...``), creates an API key, a project and the reference's
Apple template, then POSTs ``--passes`` passes and GETs ``--downloads`` signed .pkpass files with
``--concurrency`` requests in flight.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.factories import PROJECT, apple_template

SERVER_PID = "PASSMINT_BENCH_SERVER_PID"
"""In the environment ``server`` yields: the server's process id (its CPU time can be read)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, what: str, seconds: float = 30) -> None:
    """Wait until ``url`` answers 200 (a ``SystemExit`` naming ``what`` after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not start")


@contextmanager
def server(
    database_url: str | None, workers: int, settings: dict[str, str] | None = None
) -> Iterator[tuple[str, dict[str, str]]]:
    """A running ``passmint serve`` and the environment it runs with (``settings`` added to it)."""
    data_dir = tempfile.mkdtemp(prefix="passmint-bench-")
    env = os.environ | {"PASSMINT_DATA_DIR": data_dir, "PASSMINT_LOG_LEVEL": "WARNING"} | (settings or {})
    if database_url:
        env["PASSMINT_DATABASE_URL"] = database_url
    port = free_port()
    command = [sys.executable, "-m", "passmint", "serve", "--port", str(port), "--workers", str(workers)]
    log = open(os.environ.get("PASSMINT_BENCH_LOG", os.devnull), "wb")  # noqa: SIM115
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    env = env | {SERVER_PID: str(process.pid)}
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/v1/system/status", "the server")
        yield url, env
    finally:
        process.terminate()
        process.wait(timeout=20)


def created_key(env: dict[str, str]) -> dict[str, Any]:
    """A new API key made with ``passmint keys create`` in the server's environment ``env``: its JSON."""
    command = [sys.executable, "-m", "passmint", "keys", "create", "--name", "bench", "--json"]
    created: dict[str, Any] = json.loads(
        subprocess.run(command, env=env, capture_output=True, check=True).stdout
    )
    return created


def api_key(env: dict[str, str]) -> tuple[str, str]:
    """A new API key and its secret (``created_key``), as httpx's basic auth takes them."""
    created = created_key(env)
    return created["key"], created["secret"]


async def timed(count: int, concurrency: int, request: Callable[[int], Awaitable[None]]) -> float:
    """Seconds to run ``request(i)`` for i in range(count) with ``concurrency`` in flight."""
    queue = iter(range(count))

    async def worker() -> None:
        for index in queue:
            await request(index)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


async def coupon_template(client: httpx.AsyncClient) -> int:
    """A project and an Apple coupon template in it, made through the API: the template's id."""
    project = (await client.post("/v1/project", json=PROJECT)).raise_for_status().json()
    created = await client.post(f"/v1/template/{project['id']}", json=apple_template())
    template_id: int = created.raise_for_status().json()["templateId"]
    return template_id


def pass_body(barcode: str, coupon: str) -> dict[str, Any]:
    """The body creating a pass of the coupon template: its barcode's value and its coupon."""
    return {"fields": {"Coupon": {"value": coupon}}, "headers": {"barcode_value": {"value": barcode}}}


async def issue_pass(client: httpx.AsyncClient, template_id: int, index: int) -> int:
    """Pass number ``index`` of the coupon template, made through the API: its id."""
    response = await client.post(f"/v1/pass/{template_id}", json=pass_body(f"M{index}", f"{index % 90}%"))
    pass_id: int = response.raise_for_status().json()["id"]
    return pass_id


async def run(
    url: str, auth: tuple[str, str], passes: int, downloads: int, concurrency: int
) -> dict[str, float]:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, auth=auth, limits=limits, timeout=60) as client:
        template_id = await coupon_template(client)
        ids: list[int] = []

        async def create(index: int) -> None:
            ids.append(await issue_pass(client, template_id, index))

        async def download(index: int) -> None:
            response = await client.get(f"/v1/pass/{ids[index % len(ids)]}/download")
            assert response.raise_for_status().headers["content-type"] == "application/vnd.apple.pkpass"

        create_s = await timed(passes, concurrency, create)
        download_s = await timed(downloads, concurrency, download)
    return {"create_per_s": round(passes / create_s, 1), "download_per_s": round(downloads / download_s, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=10_000)
    parser.add_argument("--downloads", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="API processes (uvicorn workers)")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    with server(args.database_url, args.workers) as (url, env):
        auth = api_key(env)
        rates = asyncio.run(run(url, auth, args.passes, args.downloads, args.concurrency))
    database = "postgresql" if args.database_url else "sqlite"
    print(json.dumps({"database": database, "workers": args.workers, "concurrency": args.concurrency,
                      "passes": args.passes, "downloads": args.downloads, **rates}))  # fmt: skip


if __name__ == "__main__":
    main()
