"""Schedule bodies as the reference prints them (their times moved into the future), and helpers."""

from __future__ import annotations

import copy
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from passmint.db import Database
from passmint.kit.time import utcnow
from passmint.models import Job, Schedule, Ticket
from passmint.schedules.service import RUN
from tests.factories import create_project
from tests.passes.conftest import verify  # noqa: F401 - the .pkpass verifier, for the run tests

UPDATE_EXAMPLE: dict[str, Any] = {
    "name": "New Offer Update",
    "schedule": {"scheduled_time": "2017-04-10T18:45:00"},
    "update": {
        "audience": {"tag": "TZ_ET"},
        "pass": {"fields": {"primary1": {"value": "$20 Off"}, "secondary1": {"value": "Mega Offer"}}},
    },
}
NOTIFY_EXAMPLE: dict[str, Any] = {
    "name": "New Offer Update",
    "schedule": {"scheduled_time": "2017-04-10T18:45:00"},
    "notify": {
        "audience": {"tag": "TZ_ET"},
        "pass": {
            "notification": {"label": "Last Notification", "value": "20% off any one regular priced item"}
        },
    },
}


def future(hours: float = 1, *, offset: str = "") -> str:
    """An ISO 8601 time ``hours`` from now, without an offset (UTC) unless one is given."""
    return (utcnow() + timedelta(hours=hours)).replace(tzinfo=None).isoformat(timespec="seconds") + offset


def body(example: dict[str, Any], *, at: str | None = None, **changes: Any) -> dict[str, Any]:
    """A copy of ``example`` due at ``at`` (an hour from now by default), with top-level ``changes``."""
    copied = copy.deepcopy(example) | changes
    copied["schedule"] = {"scheduled_time": at or future()}
    return copied


def update_of(fields: dict[str, Any], audience: Any = "all", **more: Any) -> dict[str, Any]:
    return {
        "schedule": {"scheduled_time": future()},
        "update": {"audience": audience, "pass": {"fields": fields}} | more,
    }


@pytest.fixture
async def project_id(api: httpx.AsyncClient) -> int:
    return int((await create_project(api, "/v1/project/id/offers"))["id"])


async def schedule(api: httpx.AsyncClient, project: int | str, payload: dict[str, Any]) -> dict[str, Any]:
    """Create a schedule; its one ``schedules`` item."""
    response = await api.post(f"/v1/schedules/{project}", json=payload)
    assert response.status_code == 200, response.text
    return response.json()["schedules"][0]  # type: ignore[no-any-return]


def id_of(item: dict[str, Any]) -> str:
    return str(item["url"].rsplit("/", 1)[1])


async def counts(database: Database) -> tuple[int, int, int]:
    """Stored schedules, jobs and tickets."""
    async with database.transaction() as session:
        return tuple(  # type: ignore[return-value]
            [
                await session.scalar(select(func.count()).select_from(table)) or 0
                for table in (Schedule, Job, Ticket)
            ]
        )


async def make_due(database: Database, *schedule_ids: str) -> None:
    """Move these schedules (and their queued runs) a second into the past, as if their time had come."""
    past = utcnow() - timedelta(seconds=1)
    ids = {uuid.UUID(value) for value in schedule_ids}
    async with database.transaction() as session:
        await session.execute(update(Schedule).where(Schedule.id.in_(ids)).values(scheduled_at=past))
        jobs = (await session.scalars(select(Job).where(Job.name == RUN, Job.status == "queued"))).all()
        for job in jobs:
            if uuid.UUID(job.payload["schedule_id"]) in ids:
                job.run_at = past
