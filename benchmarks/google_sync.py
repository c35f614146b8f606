"""Google sync: one bulk update of 10,000 passes of one Google template reaching the Google stand-in.

Runs passmint in this process (the API through ASGI, ``--workers`` job workers of ``--concurrency`` jobs
each) against the Google stand-in (``tests/support/google_standin.py``, a real HTTP server on 127.0.0.1,
in a process of its own) limited to ``--rps`` calls a second, as passmint is (``PASSMINT_GOOGLE_RPS``).
It seeds ``--passes`` passes whose objects Google knows, updates them all through
``PUT /v1/template/{id}/passes``, and waits for the ticket to complete. Prints the calls per second
Google saw (first patch to last: the target is the configured rate, i.e. the limit is the only
bottleneck), the busiest second, and how many calls the stand-in refused for the rate (0 expected).
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
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from passmint import migrate
from passmint.accounts import service as account_service
from passmint.app import create_app, outbound_client
from passmint.certificates.google_accounts import DEV_KEY_FILE, dev_google_account
from passmint.config import Settings
from passmint.db import Database
from passmint.google.ids import class_id, object_id
from passmint.googleapi import service as google_service
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.kit.security import new_token
from passmint.models import Pass, Template
from tests.factories import GOOGLE_TEMPLATE, PROJECT

CHUNK = 5_000


async def seed(database: Database, template_id: int, passes: int, standin: str, issuer: str) -> None:
    """``passes`` passes of the template, known at Google (and so in the stand-in)."""
    async with database.transaction() as session, httpx.AsyncClient(base_url=standin, timeout=60) as control:
        template = await session.get(Template, template_id)
        assert template is not None
        klass = class_id(issuer, template_id)
        program = {"issuerName": "Loyalty", "programName": "Google loyalty", "reviewStatus": "UNDER_REVIEW"}
        await control.post("/standin/resources", json={"loyaltyClass": {klass: {"id": klass, **program}}})
        for start in range(0, passes, CHUNK):
            rows = [
                {"account_id": template.account_id, "template_id": template_id,
                 "serial_number": str(uuid.uuid4()), "authentication_token": new_token(24),
                 "public_token": new_token(24), "values": {"fields": {}}}
                for _ in range(min(CHUNK, passes - start))
            ]  # fmt: skip
            pass_ids = list((await session.scalars(insert(Pass).returning(Pass.id), rows)).all())
            await google_service.mark_known(session, pass_ids)
            names = [object_id(issuer, pass_id) for pass_id in pass_ids]
            objects = {name: {"id": name, "classId": klass, "state": "ACTIVE"} for name in names}
            response = await control.post("/standin/resources", json={"loyaltyObject": objects})
            response.raise_for_status()


@contextmanager
def google_standin(data_dir: Path, rps: float) -> Iterator[str]:
    """The stand-in in a process of its own, trusting the data dir's development service account."""
    dev_google_account(data_dir)  # written to the data dir once
    ready = data_dir / "google-standin.json"
    command = [sys.executable, "-m", "tests.support.google_standin", "--rps", str(rps),
               "--trust", str(data_dir / DEV_KEY_FILE), "--ready-file", str(ready)]  # fmt: skip
    process = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[1], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("the Google stand-in did not start")
            time.sleep(0.1)
        yield str(json.loads(ready.read_text())["url"])
    finally:
        process.terminate()
        process.wait(timeout=20)


async def run(args: argparse.Namespace, data_dir: Path, database_url: str) -> dict[str, Any]:
    with google_standin(data_dir, args.rps) as standin:
        settings = Settings(
            data_dir=data_dir, database_url=database_url, embedded_worker=False,
            secret_key=SecretStr(new_token()), google_api_url=standin,
            google_token_url=standin + "token", google_rps=args.rps,
        )  # fmt: skip
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            database: Database = app.state.db
            async with database.transaction() as session:
                issued = await account_service.create_key(session, name="bench")
            auth = (issued.api_key.key, issued.secret)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench", auth=auth) as api:
                project = (await api.post("/v1/project", json=PROJECT)).raise_for_status().json()
                made = await api.post(f"/v1/template/{project['id']}", json=GOOGLE_TEMPLATE)
                template_id = made.raise_for_status().json()["templateId"]
                async with outbound_client() as http:  # the new template's class goes to Google first
                    await Worker(database, JobContext(settings, http)).run_until_idle()
                await seed(
                    database, template_id, args.passes, standin, dev_google_account(data_dir).issuer_id
                )
                called = time.monotonic()
                change = {"fields": {"Member Since": {"value": "2026"}}}
                response = await api.put(f"/v1/template/{template_id}/passes", json=change)
                ticket_id = response.raise_for_status().json()["ticketId"]
                await work(database, settings, args, api, ticket_id)
                finished = time.monotonic()
        async with httpx.AsyncClient() as control:
            seen = (await control.get(standin + "standin/stats")).json()
    return {
        "database": "postgresql" if args.database_url else "sqlite",
        "passes": args.passes,
        "rate_limit_rps": args.rps,
        "calls": seen["patches"],
        "calls_per_s": round(seen["patches"] / seen["seconds"], 1) if seen["seconds"] else 0.0,
        "busiest_second": seen["busiest_second"],
        "refused_for_rate": seen["refused_for_rate"],
        "api_call_to_ticket_complete_s": round(finished - called, 1),
    }


async def work(
    database: Database, settings: Settings, args: argparse.Namespace, api: httpx.AsyncClient, ticket_id: int
) -> None:
    """Run ``args.workers`` workers until the ticket completes (or ``args.timeout`` passes)."""
    stop = asyncio.Event()
    async with outbound_client() as http:
        context = JobContext(settings, http)
        workers = [
            asyncio.create_task(Worker(database, context, concurrency=args.concurrency).run_forever(stop))
            for _ in range(args.workers)
        ]
        deadline = time.monotonic() + args.timeout
        try:
            while (await api.get(f"/v1/ticket/{ticket_id}")).json()["status"] != "COMPLETED":
                if time.monotonic() > deadline:
                    raise SystemExit("the update did not complete in time")
                await asyncio.sleep(0.5)
        finally:
            stop.set()
            await asyncio.gather(*workers)
            await context.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=10_000)
    parser.add_argument("--rps", type=float, default=20.0, help="Google's rate limit (PASSMINT_GOOGLE_RPS)")
    parser.add_argument("--workers", type=int, default=2, help="job workers in this process")
    parser.add_argument("--concurrency", type=int, default=4, help="jobs at once per worker")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="passmint-bench-"))
    database_url = args.database_url or f"sqlite+aiosqlite:///{data_dir}/passmint.db"
    migrate.upgrade(database_url)
    print(json.dumps(asyncio.run(run(args, data_dir, database_url))))


if __name__ == "__main__":
    main()
