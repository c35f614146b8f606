"""Tags and segments at campaign scale: selection time, and a tag update from the API answer to the last push.

Starts ``passmint serve`` (embedded worker) on a fresh database (SQLite by default, or ``--database-url
postgresql+asyncpg://...``) with the APNs stand-in, makes a project and the reference's Apple template, and
writes ``--passes`` passes straight to the database, each with 1 to 5 tags (``tests/segments/population.py``:
``even`` on half of them) and a device of its own. Then it measures:

- counting and selecting (ids) a segment of three terms with passmint's own SQL, checked against the set
  computed here;
- ``PUT /v1/tag/even/passes``: the API's answer, and the last push of the tag's passes' devices;
- with ``--segment``, ``PUT /v1/segments/{p}/{s}/passes`` for ``gold and not lapsed``: its ticket completes,
  exactly the expected passes changed, and exactly as many pushes arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.issue_passes import api_key, server
from benchmarks.push_fanout import standin, stats, wait_for_pushes
from passmint.app import open_database
from passmint.audiences import parse, where
from passmint.audiences import repository as audience_repository
from passmint.certificates.signers import dev_signer
from passmint.models import Pass, Template
from tests.factories import PROJECT, apple_template
from tests.pushes.apns_standin import token_digest
from tests.segments.population import device_token, populate, tags_of

SEGMENT = {"AND": [{"tag": "gold"}, {"NOT": {"tag": "lapsed"}}, {"OR": [{"tag": "vip"}, {"tag": "even"}]}]}
GOLD_NOT_LAPSED = {"and": [{"tag": "gold"}, {"not": {"tag": "lapsed"}}]}


def expected(ids: list[int], wanted: Any) -> set[int]:
    return {pass_id for n, pass_id in enumerate(ids) if wanted(set(tags_of(n)))}


async def seed(database_url: str, template_id: int, passes: int) -> list[int]:
    database = open_database(database_url)
    async with database.transaction() as session:
        ids = await populate(session, template_id, passes)
    if database_url.startswith("postgresql"):  # statistics, as autovacuum keeps them on a live database
        async with database.engine.connect() as connection:
            await (await connection.execution_options(isolation_level="AUTOCOMMIT")).execute(text("ANALYZE"))
    await database.dispose()
    if database_url.startswith("sqlite"):  # the seed's WAL is not the server's to checkpoint mid-measurement
        with sqlite3.connect(database_url.split("///", 1)[1]) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return ids


async def selection(database_url: str, template_id: int, ids: list[int]) -> dict[str, float]:
    """Count and select the three-term segment (best of three runs each), checked against the expected set."""
    database = open_database(database_url)
    wanted = expected(
        ids, lambda tags: "gold" in tags and "lapsed" not in tags and bool(tags & {"vip", "even"})
    )
    timings: dict[str, list[float]] = {"count_s": [], "select_s": []}
    async with database.transaction() as session:
        account_id = await session.scalar(select(Template.account_id).where(Template.id == template_id))
        assert account_id is not None
        condition = where(parse(SEGMENT), account_id=account_id, project_id=None)
        for _ in range(3):
            started = time.perf_counter()
            count = await audience_repository.count(session, condition)
            timings["count_s"].append(time.perf_counter() - started)
            started = time.perf_counter()
            selected = await audience_repository.pass_ids(session, condition)
            timings["select_s"].append(time.perf_counter() - started)
            assert count == len(wanted) and set(selected) == wanted, "the segment selected other passes"
    await database.dispose()
    return {key: round(min(values), 3) for key, values in timings.items()} | {"segment_passes": len(wanted)}


def wait_for_ticket(url: str, auth: tuple[str, str], ticket_id: int, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (ticket := httpx.get(f"{url}/v1/ticket/{ticket_id}", auth=auth).json())["status"] != "COMPLETED":
        if time.monotonic() > deadline:
            raise SystemExit(f"ticket {ticket_id} did not complete: {ticket}")
        time.sleep(0.5)
    return ticket  # type: ignore[no-any-return]


async def changed_since(database_url: str, template_id: int, since: datetime) -> set[int]:
    database = open_database(database_url)
    async with database.transaction() as session:
        statement = select(Pass.id).where(Pass.template_id == template_id, Pass.updated_at > since)
        found = set((await session.scalars(statement)).all())
    await database.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument(
        "--segment",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also update a segment's passes through the API and check them",
    )
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument(
        "--updates",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the updates through the API (off: selection only)",
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="passmint-bench-"))
    dev_signer(data_dir)
    figures: dict[str, Any] = {
        "database": "postgresql" if args.database_url else "sqlite",
        "passes": args.passes,
    }
    with ExitStack() as stack:
        apns_url, ca_file, stats_url = stack.enter_context(standin(data_dir))
        settings = {
            "PASSMINT_DATA_DIR": str(data_dir),
            "PASSMINT_APNS_URL": apns_url,
            "PASSMINT_APNS_CA_FILE": ca_file,
            "PASSMINT_EMBEDDED_WORKER": "true",
        }
        url, env = stack.enter_context(server(args.database_url, 1, settings))
        auth = api_key(env)
        project = httpx.post(f"{url}/v1/project", json=PROJECT, auth=auth).raise_for_status().json()
        created = httpx.post(f"{url}/v1/template/{project['id']}", json=apple_template(), auth=auth)
        template_id = created.raise_for_status().json()["templateId"]
        database_url = args.database_url or f"sqlite+aiosqlite:///{data_dir}/passmint.db"
        started = time.perf_counter()
        ids = asyncio.run(seed(database_url, template_id, args.passes))
        figures["seed_s"] = round(time.perf_counter() - started, 1)
        figures |= asyncio.run(selection(database_url, template_id, ids))
        if not args.updates:
            print(json.dumps(figures))
            return

        even = expected(ids, lambda tags: "even" in tags)
        tagged = len(even)
        change = {"fields": {"Coupon": {"value": "Mega Offer"}}}
        called = time.time()
        response = httpx.put(f"{url}/v1/tag/even/passes", json=change, auth=auth, timeout=60)
        answered = time.time()
        ticket_id = response.raise_for_status().json()["ticketId"]
        seen = wait_for_pushes(stats_url, ca_file, tagged, args.timeout)
        wait_for_ticket(url, auth, ticket_id, args.timeout)
        exact = seen["pushes"] == tagged and seen["tokens"] == token_digest(map(device_token, even))
        assert exact, "the tag's update pushed other devices"
        figures |= {
            "tag_passes": tagged,
            "tag_api_answer_ms": round((answered - called) * 1000, 1),
            "tag_api_call_to_last_push_s": round(seen["last_at"] - called, 2),
        }
        if args.segment:
            figures |= check_segment(
                url,
                auth,
                project["id"],
                template_id,
                ids,
                database_url,
                stats_url,
                ca_file,
                seen["pushes"],
                args.timeout,
            )
    print(json.dumps(figures))


def check_segment(
    url: str,
    auth: tuple[str, str],
    project_id: int,
    template_id: int,
    ids: list[int],
    database_url: str,
    stats_url: str,
    ca_file: str,
    pushed_before: int,
    timeout: float,
) -> dict[str, Any]:
    """``PUT /segments/.../passes`` for gold and not lapsed: exactly those passes change and are pushed."""
    wanted = expected(ids, lambda tags: "gold" in tags and "lapsed" not in tags)
    devices_before = stats(stats_url, ca_file)["tokens"]
    made = httpx.post(f"{url}/v1/segments/{project_id}", json={"criteria": GOLD_NOT_LAPSED}, auth=auth)
    segment_id = made.raise_for_status().json()["segmentId"]
    since = datetime.now().astimezone()
    time.sleep(1.1)  # updated_at is compared by the second on SQLite
    called = time.time()
    response = httpx.put(
        f"{url}/v1/segments/{project_id}/{segment_id}/passes",
        params={"templateId": template_id},
        json={"fields": {"Coupon": {"value": "Segment Offer"}}},
        auth=auth,
        timeout=60,
    )
    answered = time.time()
    ticket = wait_for_ticket(url, auth, response.raise_for_status().json()["ticketId"], timeout)
    seen = wait_for_pushes(stats_url, ca_file, pushed_before + len(wanted), timeout)
    changed = asyncio.run(changed_since(database_url, template_id, since))
    assert ticket["done"] == len(wanted) and changed == wanted, "the segment changed other passes"
    assert seen["pushes"] == pushed_before + len(wanted), "other devices were pushed"
    tokens = (device_token(pass_id) for pass_id in wanted)
    assert seen["tokens"] == token_digest(tokens, devices_before), "other devices were pushed"
    return {
        "segment_update_passes": len(wanted),
        "segment_api_answer_ms": round((answered - called) * 1000, 1),
        "segment_api_call_to_last_push_s": round(seen["last_at"] - called, 2),
        "segment_exact": True,
    }


if __name__ == "__main__":
    main()
