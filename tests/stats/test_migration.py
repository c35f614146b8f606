"""Migration 0016 fills the counters it makes from the passes and registrations stored before it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from passmint import migrate
from passmint.counters import repository as counters
from passmint.passes.service import platform_of
from tests.callbacks.test_migration import execute, url  # noqa: F401  (the fixture)

DAY_1, DAY_2 = datetime(2024, 1, 2, 10, tzinfo=UTC), datetime(2024, 1, 3, 23, 30, tzinfo=UTC)


def table(name: str, *columns: str, json: tuple[str, ...] = ()) -> sa.TableClause:
    return sa.table(
        name, *(sa.column(column) for column in columns), *(sa.column(c, sa.JSON()) for c in json)
    )


ACCOUNTS = table("accounts", "id", "name", "created_at")
PROJECTS = table(
    "projects", "id", "account_id", "context_id", "name", "description", "project_type", "created_at",
    "updated_at", json=("settings",),
)  # fmt: skip
TEMPLATES = table(
    "templates", "id", "account_id", "project_id", "name", "description", "vendor", "is_disabled",
    "created_at", "updated_at", json=("design", "image_digests"),
)  # fmt: skip
PASSES = table(
    "passes", "id", "account_id", "template_id", "serial_number", "authentication_token", "public_token",
    "installed_at", "uninstalled_at", "created_at", "updated_at", json=("values", "image_digests"),
)  # fmt: skip
REGISTRATIONS = table(
    "registrations", "id", "pass_id", "pass_type_identifier", "wallet", "device_os", "created_at", "ended_at"
)


def stored_before_0016() -> list[sa.Executable]:
    """An Apple and a Google template; three passes made over two days, one installed on two phones of
    which one left, one installed and removed, one never installed."""
    made = {"created_at": DAY_1, "updated_at": DAY_1}
    templates = [
        {"id": t, "account_id": 1, "project_id": 1, "name": vendor, "description": "", "vendor": vendor,
         "is_disabled": False, "design": {}, "image_digests": {}, **made}
        for t, vendor in ((1, "Apple"), (2, "Google"))
    ]  # fmt: skip

    def pass_(id_: int, template: int, created: datetime, **state: datetime | None) -> dict[str, object]:
        tokens = {
            name: f"{name[:4]}-{id_}" for name in ("serial_number", "authentication_token", "public_token")
        }
        times: dict[str, datetime | None] = {"installed_at": None, "uninstalled_at": None, **state}
        return {"id": id_, "account_id": 1, "template_id": template, **tokens, **times, "values": {},
                "image_digests": {}, "created_at": created, "updated_at": created}  # fmt: skip

    def registration(pass_id: int, os: str, ended: datetime | None = None) -> dict[str, object]:
        kind = {"pass_type_identifier": "pass.example", "wallet": "apple_wallet", "device_os": os}
        return {"id": uuid.uuid4().hex, "pass_id": pass_id, **kind, "created_at": DAY_2, "ended_at": ended}

    return [
        sa.insert(ACCOUNTS).values(id=1, name="shop", created_at=DAY_1),
        sa.insert(PROJECTS).values(
            id=1,
            account_id=1,
            context_id="ctx",
            name="p",
            description="",
            project_type="coupon",
            settings={},
            **made,
        ),
        sa.insert(TEMPLATES).values(templates),
        sa.insert(PASSES).values(
            [
                pass_(1, 1, DAY_1, installed_at=DAY_2),
                pass_(2, 1, DAY_2, installed_at=DAY_2, uninstalled_at=DAY_2),
                pass_(3, 2, DAY_2),
            ]
        ),
        sa.insert(REGISTRATIONS).values(
            [
                registration(1, "ios"),
                registration(1, "ios", ended=DAY_2),
                registration(2, "android", ended=DAY_2),
            ]
        ),
    ]


async def counted(database_url: str) -> tuple[counters.Tally, counters.Tally]:
    """The counters as stored, and as a recount of the passes and registrations says."""
    engine = create_async_engine(database_url)
    async with AsyncSession(engine) as session:
        found = (await counters.read_all(session), await counters.recount(session, platform_of))
    await engine.dispose()
    return found


def test_counters_of_passes_stored_before_the_counters_existed(url: str) -> None:  # noqa: F811
    migrate.upgrade(url, "0015")
    execute(url, *stored_before_0016())
    migrate.upgrade(url)
    stored, recounted = asyncio.run(counted(url))
    assert dict(stored.states) == {1: [2, 1, 1], 2: [1, 0, 0]}
    day_1, day_2 = DAY_1.date(), DAY_2.date()
    assert dict(stored.days) == {
        (1, day_1, "ios"): [1, 0, 0],
        (1, day_2, "ios"): [1, 2, 1],
        (1, day_2, "android"): [0, 1, 1],
        (2, day_2, "android"): [1, 0, 0],
    }
    assert (dict(stored.days), dict(stored.states)) == (dict(recounted.days), dict(recounted.states))
