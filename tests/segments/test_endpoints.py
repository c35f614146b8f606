"""The Segments API through the real app: saved tag selectors, and the passes they select updated, pushed
and notified."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import httpx
import pytest

from passmint.db import Database
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from tests.conftest import ApiFactory
from tests.factories import create_pass, create_project, create_template
from tests.pushes.apns_standin import ApnsStandIn
from tests.segments.population import populate, tags_of

GOLD_NOT_LAPSED = {"and": [{"tag": "gold"}, {"not": {"tag": "lapsed"}}]}
EXAMPLE = {"criteria": {"and": [{"tag": "TZ_PST"}, {"not": {"tag": "TZ_ET"}}]}, "display_name": "timezone"}


@pytest.fixture
async def project_id(api: httpx.AsyncClient) -> int:
    return int((await create_project(api))["id"])


async def segment(api: httpx.AsyncClient, project_id: int, body: dict[str, Any]) -> str:
    response = await api.post(f"/v1/segments/{project_id}", json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["segmentId"])


async def ticket(api: httpx.AsyncClient, ticket_id: int) -> dict[str, Any]:
    return (await api.get(f"/v1/ticket/{ticket_id}")).json()  # type: ignore[no-any-return]


class TestSegments:
    async def test_create_get_list_update_delete(self, api: httpx.AsyncClient, project_id: int) -> None:
        response = await api.post(f"/v1/segments/{project_id}", json=EXAMPLE)
        assert response.status_code == 200, response.text
        created = response.json()
        assert set(created) == {"ok", "segmentId", "operationId"} and created["ok"] is True
        segment_id = created["segmentId"]
        uuid.UUID(segment_id), uuid.UUID(created["operationId"])
        path = f"/v1/segments/{project_id}/{segment_id}"
        assert (await api.get(path)).json() == EXAMPLE
        listed = (await api.get(f"/v1/segments/{project_id}")).json()["segments"]
        assert [(s["id"], s["display_name"]) for s in listed] == [(segment_id, "timezone")]
        assert set(listed[0]) == {"id", "display_name", "creation_date", "modification_date"}
        renamed = await api.put(path, json={"display_name": "timezone_info"})
        assert renamed.json()["segmentId"] == segment_id
        assert (await api.get(path)).json() == EXAMPLE | {"display_name": "timezone_info"}
        changed = await api.put(path, json={"criteria": {"OR": [{"tag": ["a", "b"]}]}})
        assert changed.status_code == 200
        assert (await api.get(path)).json()["criteria"] == {"or": [{"tag": ["a", "b"]}]}
        deleted = await api.delete(path)
        assert deleted.status_code == 204 and deleted.content == b""
        assert (await api.get(path)).status_code == 404
        assert (await api.get(f"/v1/segments/{project_id}")).json() == {"segments": []}

    @pytest.mark.parametrize(
        ("criteria", "field"),
        [
            ({"and": [{"tag": "a"}, {"templateId": 1}]}, "criteria.and[1].templateId"),
            ({"and": [{"tag": "a"}, {"not": {"tag": 5}}]}, "criteria.and[1].not.tag"),
            ({"or": []}, "criteria.or"),
            ("all", "criteria"),
            ({"and": [{"tag": "a"}, "all"]}, "criteria.and[1]"),
            ({"tag": "a", "or": [{"tag": "b"}]}, "criteria"),
            (None, "criteria"),
        ],
    )
    async def test_bad_criteria_are_400_naming_where(
        self, api: httpx.AsyncClient, project_id: int, criteria: object, field: str
    ) -> None:
        response = await api.post(f"/v1/segments/{project_id}", json={"criteria": criteria})
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == field
        assert (await api.get(f"/v1/segments/{project_id}")).json() == {"segments": []}

    async def test_other_projects_and_accounts_see_nothing(self, new_api: ApiFactory) -> None:
        api, other = await new_api(), await new_api()
        mine, theirs = (await create_project(api))["id"], (await create_project(other))["id"]
        segment_id = await segment(api, mine, EXAMPLE)
        second = (await create_project(api))["id"]
        assert (await api.get(f"/v1/segments/{second}/{segment_id}")).status_code == 404
        assert (await other.get(f"/v1/segments/{theirs}/{segment_id}")).status_code == 404
        assert (await other.get(f"/v1/segments/{mine}")).status_code == 404
        assert (await api.get(f"/v1/segments/{mine}/not-a-uuid")).status_code == 404


class TestSegmentPasses:
    async def test_update_changes_and_pushes_exactly_the_segments_passes(
        self,
        api: httpx.AsyncClient,
        project_id: int,
        database: Database,
        apns: ApnsStandIn,
        push_context: JobContext,
    ) -> None:
        template_id = await create_template(api, project_id)
        async with database.transaction() as session:
            ids = await populate(session, template_id, 1200)
        expected = {
            pass_id for n, pass_id in enumerate(ids) if "gold" in tags_of(n) and "lapsed" not in tags_of(n)
        }
        outside = await create_pass(api, await create_template(api, (await create_project(api))["id"]),
                                    {"tags": ["gold"]})  # fmt: skip
        segment_id = await segment(api, project_id, {"criteria": GOLD_NOT_LAPSED})
        response = await api.put(
            f"/v1/segments/{project_id}/{segment_id}/passes",
            params={"templateId": template_id},
            json={"fields": {"Coupon": {"value": "Mega Offer"}}},
        )
        assert response.status_code == 200, response.text
        ticket_id = response.json()["ticketId"]
        pending = await ticket(api, ticket_id)
        assert (pending["status"], pending["total"]) == ("PENDING", 0)  # the first job counts the passes
        await Worker(database, push_context).run_until_idle()
        done = await ticket(api, ticket_id)
        assert (done["status"], done["done"], done["total"]) == ("COMPLETED", len(expected), len(expected))
        changed = set()
        page = 1
        listing = f"/v1/template/{template_id}/passes"
        while passes := (await api.get(listing, params={"pageSize": 1000, "page": page})).json()["passes"]:
            changed |= {p["id"] for p in passes if p["updatedAt"] != p["createdAt"]}
            page += 1
        assert changed == expected
        assert Counter(request.token for request in apns.requests) == Counter(f"device-{p}" for p in expected)
        assert (await api.get(f"/v1/pass/{outside['id']}")).json()["fields"]["Coupon"]["value"] == "20%"

    async def test_without_a_template_every_template_of_the_project(
        self, api: httpx.AsyncClient, project_id: int, database: Database, job_context: JobContext
    ) -> None:
        first, second = await create_template(api, project_id), await create_template(api, project_id)
        a = await create_pass(api, first, {"tags": ["gold"]})
        b = await create_pass(api, second, {"tags": ["gold"]})
        c = await create_pass(api, second, {"tags": ["gold", "lapsed"]})
        segment_id = await segment(api, project_id, {"criteria": GOLD_NOT_LAPSED})
        response = await api.put(
            f"/v1/segments/{project_id}/{segment_id}/passes", json={"fields": {"Coupon": {"value": "5%"}}}
        )
        assert response.status_code == 200, response.text
        await Worker(database, job_context).run_until_idle()
        values = {p["id"]: (await api.get(f"/v1/pass/{p['id']}")).json()["fields"]["Coupon"]["value"]
                  for p in (a, b, c)}  # fmt: skip
        assert values == {a["id"]: "5%", b["id"]: "5%", c["id"]: "20%"}

    async def test_unknown_segment_or_foreign_template_is_404(
        self, api: httpx.AsyncClient, project_id: int
    ) -> None:
        change = {"fields": {"Coupon": {"value": "5%"}}}
        missing = await api.put(f"/v1/segments/{project_id}/{uuid.uuid4()}/passes", json=change)
        assert missing.status_code == 404 and missing.json()["error_code"] == "segment_not_found"
        segment_id = await segment(api, project_id, EXAMPLE)
        elsewhere = await create_template(api, (await create_project(api))["id"])
        response = await api.put(
            f"/v1/segments/{project_id}/{segment_id}/passes", params={"templateId": elsewhere}, json=change
        )
        assert response.status_code == 404


class TestSegmentNotify:
    async def test_notify_and_delete(
        self, api: httpx.AsyncClient, project_id: int, database: Database, job_context: JobContext
    ) -> None:
        template_id = await create_template(api, project_id)
        inside = await create_pass(api, template_id, {"tags": ["gold"]})
        await create_pass(api, template_id, {"tags": ["gold", "lapsed"]})
        segment_id = await segment(api, project_id, {"criteria": GOLD_NOT_LAPSED})
        path = f"/v1/segments/{project_id}/{segment_id}/notify"
        sent = await api.post(path, params={"templateId": template_id}, json={"value": "20% off"})
        assert sent.status_code == 200, sent.text
        await Worker(database, job_context).run_until_idle()
        notified = await ticket(api, sent.json()["ticketId"])
        assert (notified["status"], notified["done"], notified["operation"]) == ("COMPLETED", 1, "notify")
        assert (await api.post(path, json={"value": "x"})).status_code == 400  # templateId is required
        removed = await api.delete(path)  # and optional here
        assert removed.status_code == 200, removed.text
        await Worker(database, job_context).run_until_idle()
        assert (await ticket(api, removed.json()["ticketId"]))["done"] == 1
        assert inside["id"]
        unknown = await api.post(f"/v1/segments/{project_id}/{uuid.uuid4()}/notify",
                                 params={"templateId": template_id}, json={"value": "x"})  # fmt: skip
        assert unknown.status_code == 404
