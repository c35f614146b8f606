"""Push fan-out: one template update reaching 100,000 registered devices; prints rates as JSON.

Starts the APNs stand-in (``tests/pushes/apns_standin.py``) in a process of its own, trusting the
development certificate of a fresh data dir, then ``passmint serve`` pointed at it with
``PASSMINT_APNS_URL`` and ``PASSMINT_APNS_CA_FILE``. With ``--workers 0`` the server's embedded worker
runs the jobs (the laptop default); otherwise the server runs none and ``--workers`` ``passmint worker``
processes do. It seeds ``--passes`` passes of one template, each held by one device, straight into
the database, updates the template through the API, and waits until every device has been pushed.
Prints pushes per second (first push to last) and the seconds from the API call to the last push.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.issue_passes import api_key, free_port, server
from passmint.app import open_database
from passmint.certificates.signers import DEV_PASS_TYPE_ID, dev_signer
from passmint.kit.security import new_token
from passmint.models import Device, Pass, Registration, Template
from tests.factories import PROJECT, apple_template

CHUNK = 10_000


async def seed(database_url: str, template_id: int, passes: int) -> None:
    """``passes`` passes of the template, each registered on a device of its own."""
    database = open_database(database_url)
    async with database.transaction() as session:
        template = await session.scalar(select(Template).where(Template.id == template_id))
        assert template is not None
        for start in range(0, passes, CHUNK):
            count = min(CHUNK, passes - start)
            rows = [
                {"account_id": template.account_id, "template_id": template_id,
                 "serial_number": str(uuid.uuid4()), "authentication_token": new_token(24),
                 "public_token": new_token(24), "values": {"fields": {}}}
                for _ in range(count)
            ]  # fmt: skip
            pass_ids = (await session.scalars(insert(Pass).returning(Pass.id), rows)).all()
            tokens = [f"{start + n:064x}" for n in range(count)]
            devices = [{"device_library_identifier": token, "push_token": token} for token in tokens]
            device_ids = (await session.scalars(insert(Device).returning(Device.id), devices)).all()
            registrations = [
                {"id": uuid.uuid4(), "pass_id": pass_id, "device_id": device_id,
                 "pass_type_identifier": DEV_PASS_TYPE_ID, "wallet": "passbook", "device_os": "ios"}
                for pass_id, device_id in zip(pass_ids, device_ids, strict=True)
            ]  # fmt: skip
            await session.execute(insert(Registration), registrations)
    await database.dispose()


@contextmanager
def standin(data_dir: Path) -> Iterator[tuple[str, str, Path]]:
    """The stand-in, trusting the data dir's development CA: its URL, its CA file, its stats file."""
    certificates = data_dir / "dev-certs"
    client_ca = data_dir / "apns-client-ca.pem"
    client_ca.write_bytes((certificates / "wwdr.pem").read_bytes() + (certificates / "ca.pem").read_bytes())
    ready = data_dir / "apns-standin.json"
    command = [sys.executable, "-m", "tests.pushes.apns_standin", "--port", str(free_port()),
               "--client-ca", str(client_ca), "--ready-file", str(ready)]  # fmt: skip
    process = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[1], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("the APNs stand-in did not start")
            time.sleep(0.1)
        started = json.loads(ready.read_text())
        yield started["url"], started["ca_file"], started["stats_url"]
    finally:
        process.terminate()
        process.wait(timeout=20)


def stats(url: str, ca_file: str) -> dict[str, Any]:
    return httpx.get(url, verify=ca_file).json()  # type: ignore[no-any-return]


def wait_for_pushes(stats_url: str, ca_file: str, total: int, timeout: float) -> dict[str, Any]:
    """The stand-in's stats once ``total`` pushes have arrived (a ``SystemExit`` after ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    while (seen := stats(stats_url, ca_file))["pushes"] < total:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {seen['pushes']} of {total} pushes arrived")
        time.sleep(0.2)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=100_000, help="passes, each held by one device")
    parser.add_argument("--workers", type=int, default=0, help="passmint worker processes; 0: embedded")
    parser.add_argument("--concurrency", type=int, default=8, help="jobs at once per worker process")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="passmint-bench-"))
    dev_signer(data_dir)  # the development certificate the server will push with
    with ExitStack() as stack:
        apns_url, ca_file, stats_url = stack.enter_context(standin(data_dir))
        settings = {
            "PASSMINT_DATA_DIR": str(data_dir),
            "PASSMINT_APNS_URL": apns_url,
            "PASSMINT_APNS_CA_FILE": ca_file,
            "PASSMINT_EMBEDDED_WORKER": "false" if args.workers else "true",
        }
        url, env = stack.enter_context(server(args.database_url, 1, settings))
        for _ in range(args.workers):
            command = [sys.executable, "-m", "passmint", "worker", "--concurrency", str(args.concurrency)]
            worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
            stack.callback(worker.wait, 20)
            stack.callback(worker.terminate)

        auth = api_key(env)
        project = httpx.post(f"{url}/v1/project", json=PROJECT, auth=auth).raise_for_status().json()
        created = httpx.post(f"{url}/v1/template/{project['id']}", json=apple_template(), auth=auth)
        template_id = created.raise_for_status().json()["templateId"]
        database_url = args.database_url or f"sqlite+aiosqlite:///{data_dir}/passmint.db"
        asyncio.run(seed(database_url, template_id, args.passes))

        called = time.time()
        changed = apple_template(name="Autumn offer")
        httpx.put(f"{url}/v1/template/{template_id}", json=changed, auth=auth, timeout=60).raise_for_status()
        answered = time.time()
        seen = wait_for_pushes(stats_url, ca_file, args.passes, args.timeout)

    pushing = seen["last_at"] - seen["first_at"]
    print(json.dumps({
        "database": "postgresql" if args.database_url else "sqlite",
        "workers": args.workers or "embedded",
        "devices": args.passes,
        "pushes": seen["pushes"],
        "pushes_per_s": round(seen["pushes"] / pushing, 1),
        "api_call_s": round(answered - called, 2),
        "api_call_to_first_push_s": round(seen["first_at"] - called, 2),
        "api_call_to_last_push_s": round(seen["last_at"] - called, 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
