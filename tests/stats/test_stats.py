"""Statistics and activity follow installs and uninstalls (Apple's web service, Google through the
registrations service) over several days, as numbers the test keeps itself; the counters always agree
with a rebuild from passes and registrations."""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from typer.testing import CliRunner

from passmint.cli import app as cli
from passmint.config import Settings
from passmint.counters import repository as counters
from passmint.db import Database
from passmint.kit.time import utcnow
from passmint.models import DailyCount, Pass, TemplateCount
from passmint.passes.service import platform_of
from passmint.registrations import service as registrations
from passmint.registrations.wallet_apps import GOOGLE_WALLET
from passmint.stats import service as stats_service
from tests.conftest import ApiClient
from tests.factories import GOOGLE_TEMPLATE, create_project, create_template
from tests.support.clock import AheadClock
from tests.support.statements import listening

PASS_TYPE = "pass.dev.passmint"
IPHONE = "PassKit/1.0 CFNetwork/1494.0.7 Darwin/23.4.0"
DAY = 24 * 3600


def slashed(day: date) -> str:
    return day.strftime("%Y/%m/%d")


@dataclass
class World:
    """What the test did, counted by the test: events per (template, day), devices holding each pass."""

    api: ApiClient
    anonymous: httpx.AsyncClient
    database: Database
    events: Counter[tuple[int, date, str]] = field(default_factory=Counter)
    holders: dict[int, set[str]] = field(default_factory=dict)
    state: dict[int, str | None] = field(default_factory=dict)
    template_of: dict[int, int] = field(default_factory=dict)
    passes: dict[int, dict[str, Any]] = field(default_factory=dict)

    async def issue(self, template_id: int, external_id: str | None = None, **body: Any) -> int:
        path = f"/v1/pass/{template_id}" + (f"/id/{external_id}" if external_id else "")
        response = await self.api.post(path, json=body)
        assert response.status_code == 200, response.text
        pass_ = response.json()
        pass_id = int(pass_["id"])
        self.passes[pass_id], self.template_of[pass_id] = pass_, template_id
        self.holders[pass_id], self.state[pass_id] = set(), None
        self.events[(template_id, utcnow().date(), "created")] += 1
        return pass_id

    async def _apple(self, method: str, pass_id: int, device: str) -> httpx.Response:
        pass_ = self.passes[pass_id]
        if "token" not in pass_:
            document = (await self.api.get(f"/v1/pass/{pass_id}/viewJSONPass")).json()
            pass_["token"] = document["authenticationToken"]
        path = f"/apple/v1/devices/{device}/registrations/{PASS_TYPE}/{pass_['serialNumber']}"
        headers = {"User-Agent": IPHONE, "Authorization": f"ApplePass {pass_['token']}"}
        body = {"json": {"pushToken": f"push-{device}"}} if method == "POST" else {}
        return await self.anonymous.request(method, path, headers=headers, **body)  # type: ignore[arg-type]

    async def install(self, pass_id: int, device: str) -> None:
        """A phone adds the pass (Apple's web service), or Google Wallet saves it (``google-...``)."""
        if device.startswith("google"):
            async with self.database.transaction() as session:
                pass_ = await session.get(Pass, pass_id)
                assert pass_ is not None
                await registrations.register(
                    session, pass_, device_library_identifier=device, pass_type_identifier="google",
                    push_token="-", client=GOOGLE_WALLET, user_agent=None,
                )  # fmt: skip
        else:
            assert (await self._apple("POST", pass_id, device)).status_code == 201
        self.events[(self.template_of[pass_id], utcnow().date(), "installed")] += 1
        self.holders[pass_id].add(device)
        self.state[pass_id] = "installed"

    async def uninstall(self, pass_id: int, device: str) -> None:
        if device.startswith("google"):
            async with self.database.transaction() as session:
                pass_ = await session.get(Pass, pass_id)
                assert pass_ is not None
                await registrations.unregister(session, pass_, device_library_identifier=device)
        else:
            assert (await self._apple("DELETE", pass_id, device)).status_code == 200
        self.events[(self.template_of[pass_id], utcnow().date(), "uninstalled")] += 1
        self.holders[pass_id].discard(device)
        if not self.holders[pass_id]:
            self.state[pass_id] = "uninstalled"

    def unique(self, template_ids: set[int]) -> dict[str, int]:
        states = [state for pass_id, state in self.state.items() if self.template_of[pass_id] in template_ids]
        return {
            "total": len(states),
            "installed": states.count("installed"),
            "uninstalled": states.count("uninstalled"),
        }

    def activity(self, template_ids: set[int], first: date, last: date) -> dict[str, Any]:
        details = []
        day = first
        while day <= last:
            counts = {
                kind: sum(self.events[(t, day, kind)] for t in template_ids)
                for kind in ("created", "installed", "uninstalled")
            }
            details.append({"date": slashed(day), "activity": counts})
            day += timedelta(days=1)
        summary = {kind: sum(row["activity"][kind] for row in details) for kind in details[0]["activity"]}
        return {"startDate": slashed(first), "endDate": slashed(last), "summary": summary, "details": details}


@pytest.fixture
async def world(api: ApiClient, anonymous: httpx.AsyncClient, database: Database) -> World:
    return World(api, anonymous, database)


async def counters_agree_with_a_rebuild(database: Database) -> None:
    async with database.transaction() as session:
        kept = await counters.read_all(session)
        recounted = await counters.recount(session, platform_of)
    strip = {key: counts for key, counts in recounted.days.items() if any(counts)}
    assert dict(kept.days) == strip
    assert dict(kept.states) == {key: counts for key, counts in recounted.states.items() if any(counts)}


async def get(api: ApiClient, path: str) -> dict[str, Any]:
    response = await api.get(path)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_stats_and_activity_follow_installs_over_days(
    world: World, api: ApiClient, database: Database, utc_clock: AheadClock
) -> None:
    project = await create_project(api, "/v1/project/id/campaign-7")
    apple = await create_template(api, project["id"])
    google_body = copy.deepcopy(GOOGLE_TEMPLATE)
    google = await create_template(api, project["id"], google_body)
    first_day = utcnow().date()
    a1, a2, _never_installed = [await world.issue(apple, tags=["vip"]) for _ in range(2)] + [
        await world.issue(apple)
    ]
    g1 = await world.issue(google, external_id="member-1", tags=["vip"])
    await world.install(a1, "phone-1")
    await world.install(a2, "phone-2")

    utc_clock.advance(DAY)
    await world.uninstall(a1, "phone-1")
    await world.install(a2, "phone-3")  # a second device: one more install, the pass was installed already
    await world.install(g1, "google-1")
    await counters_agree_with_a_rebuild(database)

    utc_clock.advance(DAY)
    await world.install(a1, "phone-1")  # installed again: activity counts a second install
    await world.uninstall(a2, "phone-2")  # phone-3 still holds it
    await world.uninstall(g1, "google-1")
    await world.issue(apple, external_id="member-1")

    utc_clock.advance(2 * DAY)  # a day with nothing in between
    await world.uninstall(a2, "phone-3")
    today = utcnow().date()
    await counters_agree_with_a_rebuild(database)

    both = {apple, google}
    template = await get(api, f"/v1/template/{apple}/stats")
    assert template == {
        "id": apple,
        "vendor": "Apple",
        "lastUpdated": template["lastUpdated"],
    } | world.unique({apple})
    assert world.unique({apple}) == {"total": 4, "installed": 1, "uninstalled": 1}  # a1; a2
    project_stats = await get(api, "/v1/project/id/campaign-7/stats")
    assert {key: project_stats[key] for key in ("total", "installed", "uninstalled")} == world.unique(both)
    assert [(row["id"], row["vendor"]) for row in project_stats["templates"]] == [
        (apple, "Apple"), (google, "Google"),
    ]  # fmt: skip
    assert project_stats["id"] == project["id"]

    activity = await get(api, f"/v1/template/{apple}/activity")
    assert activity == {"id": apple, "vendor": "Apple"} | world.activity({apple}, first_day, today)
    assert activity["summary"] == {"created": 4, "installed": 4, "uninstalled": 3}
    assert len(activity["details"]) == 5 and activity["details"][3]["activity"] == {
        "created": 0, "installed": 0, "uninstalled": 0,
    }  # fmt: skip
    before = first_day - timedelta(days=1)
    ranged = await get(api, f"/v1/project/id/campaign-7/activity/{before.isoformat()}/{today.isoformat()}")
    assert ranged == {"id": project["id"]} | world.activity(both, before, today)
    second = first_day + timedelta(days=1)
    ranged = await get(api, f"/v1/template/{google}/activity/{second.isoformat()}/{second.isoformat()}")
    assert ranged["details"] == [{"date": slashed(second), "activity": {
        "created": 0, "installed": 1, "uninstalled": 0}}]  # fmt: skip

    by_external_id = await get(api, "/v1/pass/id/member-1/stats")
    assert by_external_id == {
        "total": 2, "installed": 0, "uninstalled": 1,
        "templates": [{"id": apple, "installed": 0, "uninstalled": 0},
                      {"id": google, "installed": 0, "uninstalled": 1}],
    }  # fmt: skip
    tag = await get(api, "/v1/tag/vip/stats")
    assert tag == {"total": 3, "installed": 1, "uninstalled": 2, "not_been_installed": 0,
                   "lastUpdated": tag["lastUpdated"]}  # fmt: skip


async def test_a_deleted_pass_leaves_the_counters_as_a_rebuild_finds_them(
    world: World, api: ApiClient, database: Database, utc_clock: AheadClock
) -> None:
    project = await create_project(api)
    apple = await create_template(api, project["id"])
    kept, deleted = await world.issue(apple), await world.issue(apple)
    await world.install(deleted, "phone-1")
    utc_clock.advance(DAY)
    await world.uninstall(deleted, "phone-1")
    await world.install(kept, "phone-2")
    assert (await api.delete(f"/v1/pass/{deleted}")).status_code == 200
    await counters_agree_with_a_rebuild(database)
    stats = await get(api, f"/v1/template/{apple}/stats")
    assert (stats["total"], stats["installed"], stats["uninstalled"]) == (1, 1, 0)


async def test_counters_are_written_in_key_order_whatever_order_they_come_in(
    api: ApiClient, database: Database
) -> None:
    """Two transactions counting for the same templates lock their rows in the same order (PostgreSQL
    could otherwise deadlock them): rows of each counter in key order, days before states."""
    project = await create_project(api)
    first, second = sorted([await create_template(api, project["id"]) for _ in range(2)])
    today = utcnow().date()
    tally = counters.Tally()
    for template_id in (second, first):  # the reverse of key order
        tally.days[(template_id, today, "ios")] = [1, 0, 0]
        tally.states[template_id] = [1, 0, 0]
    written: list[tuple[str, list[int]]] = []

    def note(_connection: Any, statement: Any, rows: list[dict[str, Any]], *_args: Any) -> None:
        table = getattr(getattr(statement, "table", None), "name", None)
        if table in ("stats_daily", "stats_templates"):
            written.append((table, [row["template_id"] for row in rows]))

    with listening(database, "before_execute", note):
        async with database.transaction() as session:
            await counters.subtract(session, tally, utcnow())
    assert written == [("stats_daily", [first, second]), ("stats_templates", [first, second])]


async def test_rebuild_writes_what_the_counters_would_hold(
    world: World, api: ApiClient, database: Database
) -> None:
    project = await create_project(api)
    apple = await create_template(api, project["id"])
    pass_id = await world.issue(apple)
    await world.install(pass_id, "phone-1")
    async with database.transaction() as session:
        before = await counters.read_all(session)
        await stats_service.rebuild(session)
    async with database.transaction() as session:
        assert await counters.read_all(session) == before


async def test_the_rebuild_command_restores_lost_counters(
    world: World, api: ApiClient, database: Database, settings: Settings, tmp_path: Path
) -> None:
    project = await create_project(api)
    apple = await create_template(api, project["id"])
    pass_id = await world.issue(apple)
    await world.install(pass_id, "phone-1")
    await world.uninstall(pass_id, "phone-1")
    async with database.transaction() as session:
        before = await counters.read_all(session)
        await session.execute(delete(DailyCount))
        await session.execute(delete(TemplateCount))
    env = {"PASSMINT_DATABASE_URL": settings.database, "PASSMINT_DATA_DIR": str(tmp_path)}
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["stats", "rebuild"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 created, 1 installs, 1 uninstalls" in result.stdout
    async with database.transaction() as session:
        assert await counters.read_all(session) == before


class TestActivityRange:
    @pytest.mark.parametrize(
        ("start", "end", "field"),
        [
            ("2015-8-19", "2015-08-20", "startDate"),
            ("2015-08-19", "2015-02-30", "endDate"),
            ("2015-08-20", "2015-08-19", "endDate"),
            ("2000-01-01", "2015-08-19", "endDate"),
        ],
    )
    async def test_bad_dates_are_refused_by_name(
        self, api: ApiClient, start: str, end: str, field: str
    ) -> None:
        project = await create_project(api)
        response = await api.get(f"/v1/project/{project['id']}/activity/{start}/{end}")
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == field

    async def test_unknown_objects_are_404(self, api: ApiClient) -> None:
        for path in ("/v1/template/999/stats", "/v1/project/id/nope/activity", "/v1/tag/nope/stats",
                     "/v1/pass/id/nope/stats"):  # fmt: skip
            assert (await api.get(path)).status_code == 404, path
