"""``passmint.audiences.where`` against passes on the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from passmint.audiences import Audience, of_pass, of_tag, of_template, parse, resolve, where
from passmint.audiences import repository as audience_repository
from passmint.audiences.errors import SegmentNotFound
from passmint.audiences.tree import Segments
from passmint.db import Database
from tests.conftest import ApiFactory
from tests.factories import create_pass, create_project, create_template


@dataclass(frozen=True)
class World:
    """Account A: project 1 (templates t1, t2) and project 2 (t3); account B: one pass ``stranger``.

    p1 (t1): vip, summer; p2 (t1): vip; p3 (t1, external id ext-1); p4 (t2, ext-1): summer; p5 (t3): vip.
    """

    account_id: int
    other_account_id: int
    project1: int
    project2: int
    t1: int
    t2: int
    t3: int
    p: dict[str, int]


async def pass_with(
    api: httpx.AsyncClient, template_id: int, body: dict[str, Any], external_id: str = ""
) -> int:
    if external_id:
        response = await api.post(f"/v1/pass/{template_id}/id/{external_id}", json=body)
        assert response.status_code == 200, response.text
        return int(response.json()["id"])
    return int((await create_pass(api, template_id, body))["id"])


@pytest.fixture
async def world(new_api: ApiFactory) -> World:
    api, other = await new_api(), await new_api()
    project1, project2 = (await create_project(api))["id"], (await create_project(api))["id"]
    t1, t2 = await create_template(api, project1), await create_template(api, project1)
    t3 = await create_template(api, project2)
    passes = {
        "p1": await pass_with(api, t1, {"tags": ["vip", "summer"]}),
        "p2": await pass_with(api, t1, {"tags": ["vip"]}),
        "p3": await pass_with(api, t1, {}, external_id="ext-1"),
        "p4": await pass_with(api, t2, {"tags": ["summer"]}, external_id="ext-1"),
        "p5": await pass_with(api, t3, {"tags": ["vip"]}),
    }
    other_template = await create_template(other, (await create_project(other))["id"])
    passes["stranger"] = await pass_with(other, other_template, {"tags": ["vip"]}, external_id="ext-1")
    return World(api.account.id, other.account.id, project1, project2, t1, t2, t3, passes)


async def selected(
    database: Database,
    world: World,
    audience: Audience,
    *,
    project_id: int | None = None,
    other: bool = False,
) -> set[str]:
    account_id = world.other_account_id if other else world.account_id
    async with database.transaction() as session:
        ids = await audience_repository.pass_ids(
            session, where(audience, account_id=account_id, project_id=project_id)
        )
    names = {pass_id: name for name, pass_id in world.p.items()}
    return {names[pass_id] for pass_id in ids}


Case = Callable[[World], object]
CASES: list[tuple[str, Case, set[str]]] = [
    ("all", lambda w: "all", {"p1", "p2", "p3", "p4", "p5"}),
    ("one tag", lambda w: {"tag": "vip"}, {"p1", "p2", "p5"}),
    ("any of tags", lambda w: {"tag": ["vip", "summer"]}, {"p1", "p2", "p4", "p5"}),
    ("unknown tag", lambda w: {"tag": "nobody"}, set()),
    ("both tags", lambda w: {"AND": [{"tag": "vip"}, {"tag": "summer"}]}, {"p1"}),
    ("tag but not tag", lambda w: {"AND": [{"tag": "vip"}, {"NOT": {"tag": "summer"}}]}, {"p2", "p5"}),
    ("not a tag", lambda w: {"not": [{"tag": "vip"}]}, {"p3", "p4"}),
    ("template", lambda w: {"templateId": w.t1}, {"p1", "p2", "p3"}),
    ("templates as text", lambda w: {"templateId": [str(w.t2), str(w.t3)]}, {"p4", "p5"}),
    ("passes", lambda w: {"passId": [w.p["p1"], w.p["p4"], w.p["stranger"]]}, {"p1", "p4"}),
    ("external id", lambda w: {"and": [{"externalId": "ext-1"}, {"templateId": w.t2}]}, {"p4"}),
    (
        "external id of either template",
        lambda w: {"AND": [{"externalId": "ext-1"}, {"templateId": [w.t1, w.t2]}]},
        {"p3", "p4"},
    ),
    (
        "all of a template but one external id (passes without one stay in)",
        lambda w: {"AND": [{"templateId": w.t1}, {"NOT": {"externalId": "ext-1"}}]},
        {"p1", "p2"},
    ),
    (
        "nested",
        lambda w: {"OR": [{"AND": [{"tag": "summer"}, {"templateId": w.t2}]}, {"passId": w.p["p3"]}]},
        {"p3", "p4"},
    ),
    ("nobody", lambda w: {"NOT": "all"}, set()),
]


class TestWhere:
    @pytest.mark.parametrize(
        ("selector", "expected"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
    )
    async def test_selects(
        self, database: Database, world: World, selector: Case, expected: set[str]
    ) -> None:
        assert await selected(database, world, parse(selector(world))) == expected

    async def test_never_another_accounts_passes(self, database: Database, world: World) -> None:
        assert await selected(database, world, parse({"tag": "vip"}), other=True) == {"stranger"}
        assert await selected(database, world, of_template(world.t1), other=True) == set()
        assert await selected(database, world, of_pass(world.p["p1"]), other=True) == set()

    async def test_template_ids_count_only_in_the_project(self, database: Database, world: World) -> None:
        both = parse({"templateId": [world.t1, world.t3]})
        assert await selected(database, world, both) == {"p1", "p2", "p3", "p5"}
        assert await selected(database, world, both, project_id=world.project1) == {"p1", "p2", "p3"}
        assert await selected(database, world, both, project_id=world.project2) == {"p5"}
        assert await selected(database, world, of_template(world.t3), project_id=world.project1) == set()

    async def test_constructors(self, database: Database, world: World) -> None:
        assert await selected(database, world, of_template(world.t2)) == {"p4"}
        assert await selected(database, world, of_pass(world.p["p2"])) == {"p2"}
        assert await selected(database, world, of_tag("vip", world.t1)) == {"p1", "p2"}
        assert await selected(database, world, of_tag("vip", world.t2)) == set()

    async def test_count_and_exists(self, database: Database, world: World) -> None:
        async with database.transaction() as session:
            vip = where(parse({"tag": "vip"}), account_id=world.account_id, project_id=None)
            assert await audience_repository.count(session, vip) == 3
            assert await audience_repository.exists(session, vip)
            none = where(parse({"tag": "none"}), account_id=world.account_id, project_id=None)
            assert await audience_repository.count(session, none) == 0
            assert not await audience_repository.exists(session, none)

    def test_a_segment_must_be_resolved_first(self) -> None:
        with pytest.raises(ValueError, match="resolve"):
            where(Segments(("s",)), account_id=1, project_id=None)

    async def test_a_project_narrows_every_atom(self, database: Database, world: World) -> None:
        assert await selected(database, world, parse({"tag": "vip"}), project_id=world.project1) == {
            "p1",
            "p2",
        }
        assert await selected(database, world, parse("all"), project_id=world.project2) == {"p5"}


class TestResolve:
    async def test_segments_become_their_criteria(self, new_api: ApiFactory, database: Database) -> None:
        api = await new_api()
        project = (await create_project(api))["id"]
        template = await create_template(api, project)
        inside = await create_pass(api, template, {"tags": ["vip", "summer"]})
        await create_pass(api, template, {"tags": ["vip"]})
        made = await api.post(
            f"/v1/segments/{project}", json={"criteria": {"and": [{"tag": "vip"}, {"tag": "summer"}]}}
        )
        segment = made.json()["segmentId"]
        async with database.transaction() as session:
            either = parse({"OR": [{"segment": segment}, {"passId": 1}]})
            audience = await resolve(session, either, account_id=api.account.id, project_id=project)
            assert audience == parse({"OR": [{"AND": [{"tag": "vip"}, {"tag": "summer"}]}, {"passId": 1}]})
            resolved = await resolve(
                session, parse({"segment": segment}), account_id=api.account.id, project_id=None
            )
            ids = await audience_repository.pass_ids(
                session, where(resolved, account_id=api.account.id, project_id=None)
            )
            assert list(ids) == [inside["id"]]
            for unknown in ("not-a-uuid", "5b1b4f9c-8f6a-4a51-a5d6-6d8f6e0b4c11"):
                with pytest.raises(SegmentNotFound):
                    await resolve(
                        session, parse({"segment": unknown}), account_id=api.account.id, project_id=None
                    )
            other = await new_api()
            with pytest.raises(SegmentNotFound):
                await resolve(
                    session, parse({"segment": segment}), account_id=other.account.id, project_id=None
                )
