"""Flight change fan-out: a pass-group update of flights whose passengers each hold an iPhone; prints JSON.

Like ``push_fanout.py`` (the APNs stand-in in a process of its own, ``passmint serve`` pushing to it),
but the change is a gate change sent to ``PUT /v1/flights/project/{p}/passGroups/{group}``: it makes
``--flights`` flights in one pass group, seeds ``--passes`` boarding passes shared among them, each
registered on one device, straight into the database, then times the pass-group update call and every
push it causes (after one read of the seeded tables, so the call does not pay for a cold database
cache). Prints the seconds the API call took (and, for scale, a GET of one flight), from the call
to the last push, and pushes per second (first push to last).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.issue_passes import api_key, server
from benchmarks.push_fanout import seed, standin, wait_for_pushes
from passmint.app import open_database
from passmint.certificates.signers import dev_signer
from passmint.models import JourneyPass, Pass
from tests.factories import PROJECT, apple_template
from tests.journeys.conftest import BOARDING_FIELDS, FLIGHT

GROUP = FLIGHT["passGroups"][0]  # type: ignore[index]


async def attach(database_url: str, template_id: int, flight_ids: list[int]) -> None:
    """Share the template's passes among the flights, as the multiple adaptive link would attach them."""
    database = open_database(database_url)
    async with database.transaction() as session:
        pass_ids = (await session.scalars(select(Pass.id).where(Pass.template_id == template_id))).all()
        rows = [
            {"pass_id": pass_id, "journey_id": flight_ids[n % len(flight_ids)]}
            for n, pass_id in enumerate(pass_ids)
        ]
        await session.execute(insert(JourneyPass), rows)
    await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=10_000, help="passengers, each on one iPhone")
    parser.add_argument("--flights", type=int, default=1, help="flights in the pass group")
    parser.add_argument("--workers", type=int, default=0, help="passmint worker processes; 0: embedded")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="passmint-bench-"))
    dev_signer(data_dir)
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
            worker = subprocess.Popen(
                [sys.executable, "-m", "passmint", "worker"], env=env, stdout=subprocess.DEVNULL
            )
            stack.callback(worker.wait, 20)
            stack.callback(worker.terminate)

        auth = api_key(env)
        body = PROJECT | {"name": "Air", "projectType": "boardingPass"}
        project = httpx.post(f"{url}/v1/project", json=body, auth=auth).raise_for_status().json()
        template = apple_template(projectType="boardingPass", fields=copy.deepcopy(BOARDING_FIELDS))
        created = httpx.post(f"{url}/v1/template/{project['id']}", json=template, auth=auth)
        template_id = created.raise_for_status().json()["templateId"]
        flights = [
            httpx.post(f"{url}/v1/flights/project/{project['id']}", json=FLIGHT, auth=auth)
            .raise_for_status()
            .json()
            for _ in range(args.flights)
        ]
        database_url = args.database_url or f"sqlite+aiosqlite:///{data_dir}/passmint.db"
        asyncio.run(seed(database_url, template_id, args.passes))
        asyncio.run(attach(database_url, template_id, [flight["flightId"] for flight in flights]))

        # one read of the seeded tables first, so the timed call does not pay for a cold database cache
        first = flights[0]["flightId"]
        httpx.get(f"{url}/v1/flights/project/{project['id']}/{first}/passes", auth=auth).raise_for_status()
        read_at = time.time()
        httpx.get(f"{url}/v1/flights/project/{project['id']}/{first}", auth=auth).raise_for_status()
        read_s = time.time() - read_at
        called = time.time()
        change = {"fields": {"departureGate": {"value": "21"}}}
        path = f"{url}/v1/flights/project/{project['id']}/passGroups/{GROUP}"
        httpx.put(path, json=change, auth=auth, timeout=60).raise_for_status()
        answered = time.time()
        seen = wait_for_pushes(stats_url, ca_file, args.passes, args.timeout)

    pushing = seen["last_at"] - seen["first_at"]
    print(json.dumps({
        "database": "postgresql" if args.database_url else "sqlite",
        "workers": args.workers or "embedded",
        "flights": args.flights,
        "devices": args.passes,
        "pushes": seen["pushes"],
        "pushes_per_s": round(seen["pushes"] / pushing, 1) if pushing else None,
        "api_call_s": round(answered - called, 3),
        "get_flight_s": round(read_s, 3),
        "api_call_to_first_push_s": round(seen["first_at"] - called, 2),
        "api_call_to_last_push_s": round(seen["last_at"] - called, 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
