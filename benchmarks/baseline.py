"""The stack's ceiling: a minimal app doing passmint's database work, and passmint beside it; prints JSON.

Serves, one process each on a free loopback port and a fresh SQLite file, a minimal FastAPI +
SQLAlchemy-async + aiosqlite app (``hello``, select one row by primary key, insert one row, update one
row, one page of ten rows with their count, one row's stored bytes; the same SQLite pragmas as
passmint) and ``passmint serve``. Puts the same load (``--concurrency`` requests in flight for
``--seconds`` per path) on each path and prints, per path, requests/s, p50 and p99 in milliseconds and
the server's CPU time per request (from ``/proc``), and for passmint's paths the ratio to the baseline
path doing the same database work: ``GET /v1/pass/{id}`` to select one row, ``POST /v1/pass/{templateId}``
to insert one row, ``PUT /v1/pass/{id}`` to update one row, ``GET /v1/pass`` to one page; and Apple's
web service (``apple_paths``, on passes of their own, each fetched once by its device before): a new
device registering to insert one row, a device's updatable passes to one page, a pass's latest version
(kept signed) to one row's stored bytes. ``ratio`` compares requests/s, ``cpu_ratio`` the server's CPU
time per request (baseline's / passmint's, steadier on a shared machine).

The load client is wrk (Debian's ``wrk``) where it is installed, the Python one (httpx, ``load``)
otherwise or with ``--client python``; the JSON says which (``client``). The Python client tops out
near 670 requests/s on a 2-core machine, so any path near that figure shows a ratio near 1 whatever it
costs the server; wrk (one thread, ``--concurrency`` connections, after a ``WARM_UP`` of each path; its
``--latency`` percentiles, p90 as well) does not. Each path's requests differ where the work does
(``wrk.Requests``, written into wrk's Lua script): gets, updates and downloads take the next of the
rows or passes, each insert or create makes a new one, each registering device is a new device; a
failed request fails the run. With two CPUs or more, each server runs on the last CPU and the load
client on the others (``--shared`` lets them share every CPU), so a server's latency is its own, not
the load client's scheduling. ``download_pass`` (``GET /v1/pass/{id}/download`` of passes unchanged
since each was downloaded once) is compared with raw RSA-2048 signing on one core of the same run
(``signing``: signatures per CPU second of this process, measured right after that load): issue 13
asks for 0.5.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, HTTPException, Response
from sqlalchemy import LargeBinary, String, event, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import wrk
from benchmarks.apple_paths import passmint_phones
from benchmarks.issue_passes import (
    SERVER_PID,
    api_key,
    coupon_template,
    free_port,
    issue_pass,
    pass_body,
    server,
    wait_until_up,
)
from benchmarks.pkpass_throughput import raw_sign_ms
from benchmarks.wrk import Requests, basic
from passmint.db import SQLITE_PRAGMAS

ROOT = Path(__file__).resolve().parents[1]
SEED_ROWS = 1_000
SIGNATURES = 2_000
"""Raw signatures timed for ``signing``."""
FILE_BYTES = 8_000
"""The size of each stored file of the baseline: about that of a signed pass of the coupon template."""
CHANGE = {"fields": {"Coupon": {"value": "{n}%"}}}
"""The body of the n-th update (and of the baseline's n-th insert): a coupon of its own."""
WARM_UP = 2.0
"""Seconds of load on each path before wrk measures it: caches filled, statements compiled."""
MEASURED = 1_000_000_000
"""The n of wrk's first measured request: past any warm-up's, so each new device is new."""
SAME_WORK = {
    "get_pass": "select_row",
    "create_pass": "insert_row",
    "update_pass": "update_row",
    "list_passes": "list_rows",
    "apple_register": "insert_row",
    "apple_list_updatable": "list_rows",
    "apple_latest_pass": "select_file",
}
"""Each passmint path and the baseline path doing the same database work."""


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(String(1024))


class File(Base):
    __tablename__ = "files"
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(64), unique=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


def baseline_app() -> FastAPI:
    """The minimal app, on the SQLite file named by ``BASELINE_DATABASE`` (``uvicorn --factory``)."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{os.environ['BASELINE_DATABASE']}")

    @event.listens_for(engine.sync_engine, "connect")
    def pragmas(connection: Any, _record: object) -> None:
        for pragma in SQLITE_PRAGMAS:
            connection.execute(pragma)

    sessions = async_sessionmaker(engine, expire_on_commit=False)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        async with sessions.begin() as session:
            session.add_all(Row(serial=f"S{i}", data="x" * 200) for i in range(SEED_ROWS))
            session.add_all(File(serial=f"S{i}", data=os.urandom(FILE_BYTES)) for i in range(SEED_ROWS))
        yield
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/rows/{row_id}")
    async def select_row(row_id: int) -> dict[str, Any]:
        async with sessions() as session:
            row = await session.get(Row, row_id)
        if row is None:
            raise HTTPException(404)
        return {"id": row.id, "serial": row.serial, "data": row.data}

    @app.get("/files/{serial}")
    async def select_file(serial: str) -> Response:
        async with sessions() as session:
            data = await session.scalar(select(File.data).where(File.serial == serial))
        if data is None:
            raise HTTPException(404)
        return Response(data, media_type="application/vnd.apple.pkpass")

    @app.post("/rows")
    async def insert_row(body: dict[str, Any]) -> dict[str, Any]:
        row = Row(serial=str(body.get("serial", "")), data=json.dumps(body))
        session: AsyncSession
        async with sessions.begin() as session:
            session.add(row)
        return {"id": row.id}

    @app.put("/rows/{row_id}")
    async def update_row(row_id: int, body: dict[str, Any]) -> dict[str, Any]:
        async with sessions.begin() as session:
            row = await session.get(Row, row_id)
            if row is None:
                raise HTTPException(404)
            row.data = json.dumps(body)
        return {"id": row.id}

    @app.get("/rows")
    async def list_rows(limit: int = 10) -> dict[str, Any]:
        async with sessions() as session:
            count = await session.scalar(select(func.count()).select_from(Row))
            rows = await session.scalars(select(Row).order_by(Row.id.desc()).limit(limit))
            found = [{"id": row.id, "serial": row.serial, "data": row.data} for row in rows]
        return {"count": count, "rows": found}

    return app


@contextmanager
def baseline_server() -> Iterator[tuple[str, int]]:
    """The minimal app served by uvicorn in a subprocess, on a fresh SQLite file."""
    database = Path(tempfile.mkdtemp(prefix="passmint-baseline-")) / "baseline.sqlite"
    port = free_port()
    env = os.environ | {"BASELINE_DATABASE": str(database)}
    command = [sys.executable, "-m", "uvicorn", "--factory", "benchmarks.baseline:baseline_app",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/hello", "the baseline server")
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system, every thread) process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(
    pid: int, seconds: float, concurrency: int, request: Callable[[int], Awaitable[None]]
) -> dict[str, float]:
    """``request(i)`` with ``concurrency`` in flight for ``seconds``: requests/s, p50 and p99 (ms), and
    the CPU time server ``pid`` spent per request (ms)."""
    latencies: list[float] = []
    counter = iter(range(1 << 62))
    started, cpu = time.perf_counter(), cpu_seconds(pid)
    stop = started + seconds

    async def worker() -> None:
        while time.perf_counter() < stop:
            sent = time.perf_counter()
            await request(next(counter))
            latencies.append(time.perf_counter() - sent)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
        "cpu_ms": round(cpu * 1000 / len(latencies), 2),
    }


SERVER_CPUS: set[int] = set()
"""The CPUs each server is pinned to (``apart``); none: servers and client share every CPU."""


def apart() -> None:
    """The servers on the last CPU, this process (the load client) on the others: ``pin`` each server."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) > 1:
        SERVER_CPUS.add(cpus[-1])
        os.sched_setaffinity(0, set(cpus[:-1]))


def pin(pid: int) -> None:
    """Every thread of server ``pid`` onto ``SERVER_CPUS`` (the threads it starts later inherit it)."""
    if SERVER_CPUS:
        for task in Path(f"/proc/{pid}/task").iterdir():
            os.sched_setaffinity(int(task.name), SERVER_CPUS)


def baseline_paths() -> dict[str, Requests]:
    """The minimal app's paths: rows and files in turn, each insert a new row, each update a new value."""
    rows = [f"/rows/{row_id}" for row_id in range(1, SEED_ROWS + 1)]
    return {
        "hello": Requests.of("GET", ["/hello"], {}),
        "select_row": Requests.of("GET", rows, {}),
        "insert_row": Requests.of("POST", ["/rows"], {}, {"serial": "M{n}", **CHANGE}),
        "update_row": Requests.of("PUT", rows, {}, CHANGE),
        "list_rows": Requests.of("GET", ["/rows?limit=10"], {}),
        "select_file": Requests.of("GET", [f"/files/S{index}" for index in range(SEED_ROWS)], {}),
    }


async def passmint_paths(url: str, auth: tuple[str, str], seed: int, apple_seed: int) -> dict[str, Requests]:
    """passmint's paths, in the order they are loaded, on ``seed`` passes each downloaded once (signed)
    and Apple's on ``apple_seed`` passes of their own (``passmint_phones``): each get, update and download
    the next of those passes, each create a new pass, each registering device a new device."""
    async with (
        httpx.AsyncClient(base_url=url, auth=auth, timeout=60) as client,
        httpx.AsyncClient(base_url=url, timeout=60) as anonymous,
    ):
        template_id = await coupon_template(client)
        ids = [await issue_pass(client, template_id, index) for index in range(seed)]
        for pass_id in ids:  # each pass signed once: the load downloads passes unchanged since
            (await client.get(f"/v1/pass/{pass_id}/download")).raise_for_status()
        held = [await issue_pass(client, template_id, index) for index in range(apple_seed)]
        phones = (await passmint_phones(client, anonymous, held, max(1, apple_seed // 10))).requests
    passes, key = [f"/v1/pass/{pass_id}" for pass_id in ids], basic(auth)
    return {
        "get_pass": Requests.of("GET", passes, key),
        "download_pass": Requests.of("GET", [f"{path}/download" for path in passes], key),  # before changes
        "create_pass": Requests.of("POST", [f"/v1/pass/{template_id}"], key, pass_body("M{n}", "{n}%")),
        "update_pass": Requests.of("PUT", passes, key, CHANGE),
        "list_passes": Requests.of("GET", ["/v1/pass?pageSize=10"], key),
        "apple_list_updatable": phones["updatable"],
        "apple_latest_pass": phones["latest"],
        "apple_register": phones["register"],  # registering changes its pass: last
    }


Load = Callable[[str, Requests], dict[str, float]]
"""Loads one path of a server (its name, its requests): its figures."""


@contextmanager
def wrk_loads(url: str, pid: int, seconds: float, concurrency: int) -> Iterator[Load]:
    """Loads by wrk (``wrk.run``): ``WARM_UP`` seconds, then ``seconds`` measured from request
    ``MEASURED`` on (new rows, passes and devices, not the warm-up's), with the CPU time server ``pid``
    spent per request (ms)."""
    with tempfile.TemporaryDirectory(prefix="passmint-wrk-") as scripts:

        def measure(name: str, requests: Requests) -> dict[str, float]:
            script = wrk.script(Path(scripts) / f"{name}.lua", requests)
            wrk.run(url, script, concurrency, min(seconds, WARM_UP))
            cpu = cpu_seconds(pid)
            found = wrk.run(url, script, concurrency, seconds, first=MEASURED)
            return found | {"cpu_ms": round((cpu_seconds(pid) - cpu) * 1000 / found["requests"], 2)}

        yield measure


@contextmanager
def python_loads(url: str, pid: int, seconds: float, concurrency: int) -> Iterator[Load]:
    """Loads by this process (httpx, ``load``), on an event loop of its own."""
    runner = asyncio.Runner()
    client = httpx.AsyncClient(base_url=url, limits=httpx.Limits(max_connections=concurrency), timeout=60)

    def measure(_name: str, requests: Requests) -> dict[str, float]:
        async def send(index: int) -> None:
            (await requests.send(client, index)).raise_for_status()

        return runner.run(load(pid, seconds, concurrency, send))

    with runner:
        try:
            yield measure
        finally:
            runner.run(client.aclose())


LOADS = {"wrk": wrk_loads, "python": python_loads}
"""The load clients: ``wrk`` where it is installed."""


def baseline_figures(client: str, seconds: float, concurrency: int) -> dict[str, dict[str, float]]:
    with baseline_server() as (url, pid), LOADS[client](url, pid, seconds, concurrency) as measure:
        pin(pid)
        return {name: measure(name, requests) for name, requests in baseline_paths().items()}


def passmint_figures(
    client: str, seconds: float, concurrency: int, seed: int, apple_seed: int
) -> dict[str, dict[str, float]]:
    with server(None, 1) as (url, env):
        pid = int(env[SERVER_PID])
        pin(pid)
        paths = asyncio.run(passmint_paths(url, api_key(env), seed, apple_seed))
        figures = {}
        with LOADS[client](url, pid, seconds, concurrency) as measure:
            for name, requests in paths.items():
                figures[name] = measure(name, requests)
                if name == "download_pass":  # the same machine's state as the download's load
                    sign_ms = raw_sign_ms(SIGNATURES)
                    figures["signing"] = {"per_s": round(1000 / sign_ms, 1), "cpu_ms": sign_ms}
        return figures


def ratios(measured: dict[str, float], reference: dict[str, float]) -> dict[str, float]:
    """``measured``'s ratio to ``reference``: requests/s (``ratio``) and CPU time per request
    (``cpu_ratio``, reference's / measured's): above 1, ``measured`` is the faster."""
    return {
        "ratio": round(measured["per_s"] / reference["per_s"], 2),
        "cpu_ratio": round(reference["cpu_ms"] / measured["cpu_ms"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="load time per path")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=200, help="passes created before the load")
    parser.add_argument(
        "--apple-seed", type=int, default=100, help="passes Apple's paths ask for (10 a device)"
    )
    parser.add_argument("--shared", action="store_true", help="servers and client share every CPU")
    parser.add_argument(
        "--client",
        choices=sorted(LOADS),
        default="wrk" if wrk.installed() else "python",
        help="the load client (default: wrk where it is installed)",
    )
    args = parser.parse_args()
    if args.client == "wrk" and not wrk.installed():
        raise SystemExit("wrk is not installed (apt-get install wrk), or use --client python")
    if not args.shared:
        apart()
    baseline = baseline_figures(args.client, args.seconds, args.concurrency)
    passmint = passmint_figures(args.client, args.seconds, args.concurrency, args.seed, args.apple_seed)
    for path, base in SAME_WORK.items():
        passmint[path] |= ratios(passmint[path], baseline[base])
    signing = passmint.pop("signing")
    passmint["download_pass"] |= ratios(passmint["download_pass"], signing)
    print(json.dumps({"database": "sqlite", "workers": 1, "client": args.client,
                      "server_cpus": sorted(SERVER_CPUS) or "shared", "concurrency": args.concurrency,
                      "seconds": args.seconds, "baseline": baseline, "signing": signing,
                      "passmint": passmint}))  # fmt: skip


if __name__ == "__main__":
    main()
