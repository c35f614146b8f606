"""passmint beside django-walletpass on Apple's web service: the same passes, the same load; prints JSON.

When django-walletpass and Django are installed (``pip install -e '.[peers]'``), serves both at once,
each as one uvicorn process (ASGI; Django runs its views in a worker thread under ASGI) on a fresh
SQLite file holding the same ``--passes`` passes and ``--devices`` devices registered for
``--per-device`` of them each (``webservice.py``'s shape, written straight into each database): passmint
through ``passmint serve``, django-walletpass in the minimal Django project of ``walletpass_site.py``.
Then puts the same load (``--concurrency`` in flight for ``--seconds``, see ``baseline.load``, the
servers taking turns ``--rounds`` times) on "list updatable passes" (a device's passes, no tag) and
"latest pass" (``--latest-passes`` passes, each fetched once before: passmint keeps a pass it signed,
django-walletpass serves the file stored with the pass, here the bytes passmint signed for it), and
prints per path each one's figures and passmint's ``ratio`` (requests/s) and ``cpu_ratio`` (the
server's CPU time per request) to the peer: above 1, passmint is ahead. Without the peer installed
it says so in its JSON and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.apple_paths import PASS_TYPE, WebService
from benchmarks.baseline import load, ratios
from benchmarks.issue_passes import SERVER_PID, api_key, free_port, server, wait_until_up
from benchmarks.webservice import seed
from passmint.apple import make_dev_certificates
from tests.factories import PROJECT, apple_template

ROOT = Path(__file__).resolve().parents[2]
PEER = "django-walletpass"
SITE = "benchmarks.peers.walletpass_site"
Paths = dict[str, Callable[[int], Awaitable[None]]]


def asgi() -> Any:
    """The Django project's ASGI application (``uvicorn --factory``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SITE)
    from django.core.asgi import get_asgi_application

    return get_asgi_application()


def checked(phones: WebService, latest_passes: int) -> Paths:
    """The two measured requests, each answered 200 or raising."""

    async def updatable(index: int) -> None:
        (await phones.updatable(index)).raise_for_status()

    async def latest(index: int) -> None:
        (await phones.latest(index % latest_passes)).raise_for_status()

    return {"list_updatable": updatable, "latest_pass": latest}


async def compare(
    servers: dict[str, tuple[str, int]], passes: Sequence[tuple[str, str]], args: argparse.Namespace
) -> dict[str, dict[str, dict[str, float]]]:
    """Each path's figures on each server (name: its URL and process id), after every pass the
    latest-pass load asks for was fetched once from each. The servers take turns, ``--rounds`` times
    per path, so a change in what else runs on the machine falls on both alike."""
    limits = httpx.Limits(max_connections=args.concurrency)
    clients = {
        name: httpx.AsyncClient(base_url=url, limits=limits, timeout=60) for name, (url, _) in servers.items()
    }
    runs: dict[str, dict[str, list[dict[str, float]]]] = {name: {} for name in servers}
    try:
        for client in clients.values():
            phones = WebService(client, passes, args.devices)
            queue = iter(range(args.latest_passes))

            async def fetch_each(phones: WebService = phones, queue: Iterator[int] = queue) -> None:
                for index in queue:
                    (await phones.latest(index)).raise_for_status()

            await asyncio.gather(*(fetch_each() for _ in range(args.concurrency)))
        for path in ("list_updatable", "latest_pass"):
            for _ in range(args.rounds):
                for name, client in clients.items():
                    request = checked(WebService(client, passes, args.devices), args.latest_passes)[path]
                    seconds = args.seconds / args.rounds
                    runs[name].setdefault(path, []).append(
                        await load(servers[name][1], seconds, args.concurrency, request)
                    )
    finally:
        for client in clients.values():
            await client.aclose()
    return {name: {path: merged(each) for path, each in paths.items()} for name, paths in runs.items()}


def merged(runs: Sequence[dict[str, float]]) -> dict[str, float]:
    """Figures of several runs of one path as one: rates and CPU over all requests; the middle run's
    p50 and the worst p99."""
    requests = sum(run["requests"] for run in runs)
    seconds = sum(run["requests"] / run["per_s"] for run in runs)
    return {
        "requests": requests,
        "per_s": round(requests / seconds, 1),
        "p50_ms": sorted(run["p50_ms"] for run in runs)[len(runs) // 2],
        "p99_ms": max(run["p99_ms"] for run in runs),
        "cpu_ms": round(sum(run["cpu_ms"] * run["requests"] for run in runs) / requests, 2),
    }


def passmint_passes(url: str, env: dict[str, str], args: argparse.Namespace) -> list[tuple[str, str]]:
    """passmint's passes and registrations (``webservice.seed``): the (serial, token) of each pass."""
    auth = api_key(env)
    project = httpx.post(f"{url}/v1/project", json=PROJECT, auth=auth).raise_for_status().json()
    template = httpx.post(f"{url}/v1/template/{project['id']}", json=apple_template(), auth=auth)
    database_url = f"sqlite+aiosqlite:///{env['PASSMINT_DATA_DIR']}/passmint.db"
    template_id = template.raise_for_status().json()["templateId"]
    return asyncio.run(seed(database_url, template_id, args.passes, args.devices, args.per_device))


def run(args: argparse.Namespace) -> dict[str, dict[str, dict[str, float]]]:
    """Both servers up on the same passes, then ``compare``."""
    with server(None, 1) as (url, env):
        passes = passmint_passes(url, env, args)
        serial, token = passes[0]
        signed = httpx.get(
            f"{url}/apple/v1/passes/{PASS_TYPE}/{serial}", headers={"Authorization": f"ApplePass {token}"}
        ).raise_for_status()
        directory = Path(tempfile.mkdtemp(prefix="passmint-walletpass-"))
        made = make_dev_certificates(PASS_TYPE, "TEAM000001")
        (directory / "pass-cert.pem").write_bytes(made.pass_cert)
        (directory / "pass-key.pem").write_bytes(made.pass_key)
        seed_peer(directory, passes, signed.content, args)
        with peer_server(directory) as peer:
            servers = {"passmint": (url, int(env[SERVER_PID])), "walletpass": peer}
            return asyncio.run(compare(servers, passes, args))


def seed_peer(
    directory: Path, passes: Sequence[tuple[str, str]], data: bytes, args: argparse.Namespace
) -> None:
    """django-walletpass's database: its migrations, then the same passes (each with its stored file)
    and registrations as passmint's, written in bulk through Django's ORM."""
    os.environ["WALLETPASS_BENCH_DIR"] = str(directory)
    os.environ["DJANGO_SETTINGS_MODULE"] = SITE
    import django

    django.setup()
    from django.core.management import call_command
    from django_walletpass.models import Pass, Registration

    call_command("migrate", verbosity=0)
    stored = directory / "media" / "passes"
    stored.mkdir(parents=True)
    rows = []
    for serial, token in passes:
        (stored / f"{serial}.pkpass").write_bytes(data)
        rows.append(Pass(pass_type_identifier=PASS_TYPE, serial_number=serial, authentication_token=token,
                         data=f"passes/{serial}.pkpass"))  # fmt: skip
    made = Pass.objects.bulk_create(rows, batch_size=2_000)
    registrations = [
        Registration(device_library_identifier=f"device-{n}", push_token=f"t{n}",
                     pazz=made[(n * args.per_device + k) % len(made)])
        for n in range(args.devices) for k in range(args.per_device)
    ]  # fmt: skip
    Registration.objects.bulk_create(registrations, batch_size=5_000)


@contextmanager
def peer_server(directory: Path) -> Iterator[tuple[str, int]]:
    """django-walletpass's project served by one uvicorn process."""
    port = free_port()
    env = os.environ | {"WALLETPASS_BENCH_DIR": str(directory), "DJANGO_SETTINGS_MODULE": SITE}
    command = [sys.executable, "-m", "uvicorn", "--factory", "benchmarks.peers.walletpass:asgi",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/apple/v1/devices/device-0/registrations/{PASS_TYPE}", PEER)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def installed() -> dict[str, str] | None:
    """The versions of the peer and of Django, when both are installed."""
    if importlib.util.find_spec("django_walletpass") is None or importlib.util.find_spec("django") is None:
        return None
    return {PEER: importlib.metadata.version(PEER), "django": importlib.metadata.version("django")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=10_000)
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--per-device", type=int, default=10)
    parser.add_argument("--latest-passes", type=int, default=500, help="passes the latest-pass load asks for")
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per path")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="turns the servers take per path")
    args = parser.parse_args()
    versions = installed()
    if versions is None:
        note = "install the peers extra (pip install -e '.[peers]') to run it"
        print(json.dumps({"peer": PEER, "installed": False, "note": note}))
        return
    figures = run(args)
    ours, theirs = figures["passmint"], figures["walletpass"]
    compared = {path: ratios(ours[path], theirs[path]) for path in ours}
    ahead = {what: all(each[what] > 1 for each in compared.values()) for what in ("ratio", "cpu_ratio")}
    print(json.dumps({
        "peer": PEER, "installed": True, "versions": versions, "database": "sqlite",
        "server": "uvicorn, one process each", "rounds": args.rounds, "concurrency": args.concurrency,
        "seconds": args.seconds,
        "passes": args.passes, "registrations": args.devices * args.per_device,
        "latest_passes": args.latest_passes, "passmint": ours, "walletpass": theirs, "ratios": compared,
        "ahead": ahead,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
