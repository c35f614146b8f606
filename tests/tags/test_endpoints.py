"""The Tags API through the real app: a pass's tags, the account's tags, the passes of a tag."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from passmint.db import Database
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.models import PassTag, Tag
from tests.conftest import ApiFactory
from tests.factories import create_pass, create_project, create_template
from tests.support.statements import statements


@pytest.fixture
async def template_id(api: httpx.AsyncClient) -> int:
    project = await create_project(api)
    return await create_template(api, project["id"], suffix="/id/card")


async def tag_names(api: httpx.AsyncClient, path: str) -> list[str]:
    response = await api.get(f"{path}/tags")
    assert response.status_code == 200, response.text
    return [tag["name"] for tag in response.json()["tags"]]


class TestPassTags:
    async def test_put_adds_to_the_tags_the_pass_has(self, api: httpx.AsyncClient, template_id: int) -> None:
        pass_id = (await create_pass(api, template_id, {"tags": ["gold"]}))["id"]
        response = await api.put(f"/v1/pass/{pass_id}/tags", json={"tags": ["vip", "gold", "vip"]})
        assert response.status_code == 200, response.text
        assert response.json() == {"newTags": ["vip"], "mappings": 1}
        assert await tag_names(api, f"/v1/pass/{pass_id}") == ["gold", "vip"]
        listed = (await api.get(f"/v1/pass/{pass_id}/tags")).json()["tags"]
        assert set(listed[0]) == {"id", "createdAt", "name"} and listed[0]["createdAt"].endswith("Z")

    async def test_every_address_of_a_pass(self, api: httpx.AsyncClient, template_id: int) -> None:
        await api.post(f"/v1/pass/{template_id}/id/alice", json={})
        in_template = f"/v1/pass/template/{template_id}/id/alice"
        assert (await api.put(f"{in_template}/tags", json={"tags": ["a"]})).json()["mappings"] == 1
        assert (await api.put("/v1/pass/id/alice/tags", json={"tags": ["b"]})).json()["newTags"] == ["b"]
        assert await tag_names(api, in_template) == ["a", "b"]
        assert await tag_names(api, "/v1/pass/id/alice") == ["a", "b"]

    async def test_the_sixteenth_tag_is_refused_and_nothing_written(
        self, api: httpx.AsyncClient, template_id: int, database: Database
    ) -> None:
        pass_id = (await create_pass(api, template_id, {"tags": [f"t{i}" for i in range(14)]}))["id"]
        response = await api.put(f"/v1/pass/{pass_id}/tags", json={"tags": ["new-1", "new-2"]})
        assert response.status_code == 400
        body = response.json()
        assert body["error_code"] == "too_many_tags" and "at most 15 tags" in body["error"]
        assert body["details"][0]["field"] == "tags"
        assert len(await tag_names(api, f"/v1/pass/{pass_id}")) == 14
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).where(Tag.name.like("new-%"))) == 0
        ok = await api.put(f"/v1/pass/{pass_id}/tags", json={"tags": ["new-1", "t0"]})
        assert ok.json() == {"newTags": ["new-1"], "mappings": 1}

    async def test_pass_bodies_feed_the_same_tables(self, api: httpx.AsyncClient, template_id: int) -> None:
        pass_id = (await create_pass(api, template_id, {"tags": ["x"]}))["id"]
        await api.put(f"/v1/pass/{pass_id}/tags", json={"tags": ["y"]})
        assert (await api.get(f"/v1/pass/{pass_id}")).json()["tags"] == ["x", "y"]
        assert (await api.put(f"/v1/pass/{pass_id}", json={"tags": ["z"]})).status_code == 200
        assert await tag_names(api, f"/v1/pass/{pass_id}") == ["z"]

    @pytest.mark.parametrize("body", [{}, {"tags": "a"}, {"tags": [""]}, {"tags": ["a"], "x": 1}])
    async def test_bad_bodies_are_400(self, api: httpx.AsyncClient, template_id: int, body: object) -> None:
        pass_id = (await create_pass(api, template_id))["id"]
        assert (await api.put(f"/v1/pass/{pass_id}/tags", json=body)).status_code == 400

    async def test_unknown_or_foreign_pass_is_404(self, new_api: ApiFactory) -> None:
        api, other = await new_api(), await new_api()
        template = await create_template(other, (await create_project(other))["id"])
        pass_id = (await create_pass(other, template))["id"]
        assert (await api.get(f"/v1/pass/{pass_id}/tags")).status_code == 404
        assert (await api.put(f"/v1/pass/{pass_id}/tags", json={"tags": ["a"]})).status_code == 404


class TestAccountTags:
    async def test_list_pages_with_the_references_keys(
        self, api: httpx.AsyncClient, template_id: int
    ) -> None:
        await create_pass(api, template_id, {"tags": ["Gold", "Silver", "Platinum"]})
        response = await api.get("/v1/tag", params={"pageSize": 2, "direction": "ASC"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"tags", "Pagination", "count"} and body["count"] == 3
        assert [tag["tag"] for tag in body["tags"]] == ["Gold", "Platinum"]  # made in name order
        assert body["Pagination"] == {"order": "id", "page": 1, "start": 0, "direction": "ASC", "pageSize": 2}
        second = (await api.get("/v1/tag", params={"pageSize": 2, "page": 2, "direction": "ASC"})).json()
        assert [tag["tag"] for tag in second["tags"]] == ["Silver"]
        assert (await api.get("/v1/tag", params={"order": "name"})).status_code == 400

    async def test_only_the_accounts_own(self, new_api: ApiFactory) -> None:
        api, other = await new_api(), await new_api()
        await create_pass(
            other, await create_template(other, (await create_project(other))["id"]), {"tags": ["x"]}
        )
        assert (await api.get("/v1/tag")).json()["count"] == 0
        assert (await api.delete("/v1/tag/x")).status_code == 404

    async def test_delete_takes_it_everywhere(self, api: httpx.AsyncClient, template_id: int) -> None:
        a = (await create_pass(api, template_id, {"tags": ["gone", "kept"]}))["id"]
        b = (await create_pass(api, template_id, {"tags": ["gone"]}))["id"]
        tag_id = next(
            t["id"] for t in (await api.get(f"/v1/pass/{a}/tags")).json()["tags"] if t["name"] == "gone"
        )
        response = await api.delete("/v1/tag/gone")
        assert response.json() == {"status": "success", "tagId": tag_id, "count": 2}
        assert (
            await tag_names(api, f"/v1/pass/{a}") == ["kept"] and await tag_names(api, f"/v1/pass/{b}") == []
        )
        assert [t["tag"] for t in (await api.get("/v1/tag")).json()["tags"]] == ["kept"]
        assert (await api.delete("/v1/tag/gone")).status_code == 404

    async def test_a_tag_by_id(self, api: httpx.AsyncClient, template_id: int) -> None:
        pass_id = (await create_pass(api, template_id, {"tags": ["x"]}))["id"]
        tag_id = (await api.get(f"/v1/pass/{pass_id}/tags")).json()["tags"][0]["id"]
        assert (await api.get(f"/v1/tag/{tag_id}/passes")).json()["count"] == 1

    async def test_remove_from_one_pass(self, api: httpx.AsyncClient, template_id: int) -> None:
        await api.post(f"/v1/pass/{template_id}/id/bob", json={"tags": ["x", "y"]})
        other = (await create_pass(api, template_id, {"tags": ["x"]}))["id"]
        response = await api.delete("/v1/tag/x/pass/id/bob")
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"passId", "status", "tagId"} and body["status"] == "success"
        assert await tag_names(api, "/v1/pass/id/bob") == ["y"]
        assert await tag_names(api, f"/v1/pass/{other}") == ["x"]
        assert (await api.delete(f"/v1/tag/x/pass/{body['passId']}")).status_code == 404  # no longer on it
        assert (await api.delete(f"/v1/tag/x/pass/{other}")).json()["passId"] == other

    async def test_remove_from_all_passes_keeps_the_tag(
        self, api: httpx.AsyncClient, template_id: int
    ) -> None:
        for _ in range(3):
            await create_pass(api, template_id, {"tags": ["x"]})
        response = await api.delete("/v1/tag/x/passes")
        assert response.json()["count"] == 3 and response.json()["status"] == "success"
        assert (await api.get("/v1/tag/x/passes")).json()["count"] == 0
        assert [t["tag"] for t in (await api.get("/v1/tag")).json()["tags"]] == ["x"]


class TestPassesOfATag:
    async def test_list(self, api: httpx.AsyncClient, template_id: int) -> None:
        tagged = [(await create_pass(api, template_id, {"tags": ["x"]}))["id"] for _ in range(3)]
        await create_pass(api, template_id, {"tags": ["y"]})
        body = (await api.get("/v1/tag/x/passes", params={"pageSize": 2})).json()
        assert body["count"] == 3 and [p["id"] for p in body["passes"]] == sorted(tagged, reverse=True)[:2]
        assert body["pagination"]["pageSize"] == 2
        assert (await api.get("/v1/tag/x/passes", params={"status": "installed"})).json()["count"] == 0
        assert (await api.get("/v1/tag/nobody/passes")).status_code == 404

    async def test_update_changes_exactly_the_tagged_passes(
        self, api: httpx.AsyncClient, template_id: int, database: Database, job_context: JobContext
    ) -> None:
        tagged = [(await create_pass(api, template_id, {"tags": ["x"]}))["id"] for _ in range(2)]
        untagged = (await create_pass(api, template_id))["id"]
        response = await api.put("/v1/tag/x/passes", json={"fields": {"Coupon": {"value": "50%"}}})
        assert response.status_code == 200, response.text
        ticket_id = response.json()["ticketId"]
        await Worker(database, job_context).run_until_idle()
        ticket = (await api.get(f"/v1/ticket/{ticket_id}")).json()
        assert (ticket["status"], ticket["done"]) == ("COMPLETED", 2)
        for pass_id in tagged:
            assert (await api.get(f"/v1/pass/{pass_id}")).json()["fields"]["Coupon"]["value"] == "50%"
        assert (await api.get(f"/v1/pass/{untagged}")).json()["fields"]["Coupon"]["value"] == "20%"

    async def test_a_bad_update_is_400_and_writes_nothing(
        self, api: httpx.AsyncClient, template_id: int, database: Database
    ) -> None:
        await create_pass(api, template_id, {"tags": ["x"]})
        response = await api.put("/v1/tag/x/passes", json={"fields": {"Nope": {"value": "1"}}})
        assert response.status_code == 400 and response.json()["details"][0]["field"] == "fields.Nope"
        assert (await api.put("/v1/tag/x/passes", json={"tags": ["y"]})).status_code == 400
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(PassTag)) == 1


class TestUpdatesReadNoPassBeforeAnswering:
    async def test_the_answer_selects_no_pass(
        self, api: httpx.AsyncClient, template_id: int, database: Database
    ) -> None:
        for _ in range(3):
            await create_pass(api, template_id, {"tags": ["x"]})
        with statements(database) as sent:
            response = await api.put("/v1/tag/x/passes", json={"fields": {"Coupon": {"value": "1%"}}})
        assert response.status_code == 200
        assert not [sql for sql in sent if "FROM passes" in sql], sent

    async def test_an_empty_tag_completes_its_ticket_in_the_job(
        self, api: httpx.AsyncClient, template_id: int, database: Database, job_context: JobContext
    ) -> None:
        pass_id = (await create_pass(api, template_id, {"tags": ["x"]}))["id"]
        await api.delete(f"/v1/tag/x/pass/{pass_id}")
        response = await api.put("/v1/tag/x/passes", json={"fields": {"Coupon": {"value": "1%"}}})
        ticket_id = response.json()["ticketId"]
        assert (await api.get(f"/v1/ticket/{ticket_id}")).json()["status"] == "PENDING"
        await Worker(database, job_context).run_until_idle()
        ticket = (await api.get(f"/v1/ticket/{ticket_id}")).json()
        assert (ticket["status"], ticket["total"], ticket["done"]) == ("COMPLETED", 0, 0)

    async def test_a_field_no_template_of_the_account_has_is_400(
        self, api: httpx.AsyncClient, template_id: int
    ) -> None:
        other = await create_template(api, (await create_project(api))["id"])
        await create_pass(api, template_id, {"tags": ["x"]})
        await create_pass(api, other, {"tags": ["x"]})
        response = await api.put("/v1/tag/x/passes", json={"fields": {"Nope": {"value": "1"}}})
        assert response.status_code == 400 and response.json()["details"][0]["field"] == "fields.Nope"
        ok = await api.put("/v1/tag/x/passes", json={"fields": {"Coupon": {"value": "1%"}}})
        assert ok.status_code == 200
