"""``/v1/schedules`` through the real app and database (running them: ``test_running.py``)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from passmint.db import Database
from passmint.models import Job
from passmint.schedules.service import RUN
from tests.conftest import ApiFactory
from tests.factories import apple_template, create_project, create_template
from tests.schedules.conftest import (
    NOTIFY_EXAMPLE,
    UPDATE_EXAMPLE,
    body,
    counts,
    future,
    id_of,
    schedule,
    update_of,
)


async def queued_runs(database: Database) -> list[Job]:
    async with database.transaction() as session:
        return list((await session.scalars(select(Job).where(Job.name == RUN).order_by(Job.id))).all())


class TestCreateSchedule:
    async def test_reference_update_example(
        self, api: httpx.AsyncClient, project_id: int, database: Database
    ) -> None:
        at = future(24)
        response = await api.post(f"/v1/schedules/{project_id}", json=body(UPDATE_EXAMPLE, at=at))
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["ok"] is True
        uuid.UUID(answer["operation_id"])
        (item,) = answer["schedules"]
        assert answer["schedule_urls"] == [item["url"]]
        assert item["url"] == f"http://localhost/v1/schedules/{project_id}/{uuid.UUID(id_of(item))}"
        assert item["name"] == "New Offer Update"
        assert item["schedule"] == {"scheduled_time": at + ".000Z"}
        assert item["update"] == UPDATE_EXAMPLE["update"]
        assert "notify" not in item
        ticket_id = int(item["ticket"].removeprefix("http://localhost/v1/ticket/"))
        ticket = (await api.get(f"/v1/ticket/{ticket_id}")).json()
        assert (ticket["status"], ticket["operation"]) == ("PENDING", "schedule")
        (job,) = await queued_runs(database)
        assert job.payload == {"schedule_id": id_of(item), "version": 1}
        assert job.run_at.isoformat(timespec="seconds") == at + "+00:00"

    async def test_reference_notify_example(self, api: httpx.AsyncClient, project_id: int) -> None:
        item = await schedule(api, project_id, body(NOTIFY_EXAMPLE))
        assert item["notify"] == NOTIFY_EXAMPLE["notify"]
        assert "update" not in item

    async def test_offset_is_converted_to_utc(self, api: httpx.AsyncClient, project_id: int) -> None:
        item = await schedule(api, project_id, body(UPDATE_EXAMPLE, at="2999-04-10T18:45:00+08:00"))
        assert item["schedule"]["scheduled_time"] == "2999-04-10T10:45:00.000Z"

    async def test_by_project_external_id(self, api: httpx.AsyncClient, project_id: int) -> None:
        item = await schedule(api, "id/offers", body(UPDATE_EXAMPLE))
        assert item["url"].startswith(f"http://localhost/v1/schedules/{project_id}/")

    async def test_url_keys_are_ignored(self, api: httpx.AsyncClient, project_id: int) -> None:
        sent = body(UPDATE_EXAMPLE, url="http://elsewhere/x", ticket="http://elsewhere/t")
        sent["schedule"]["url"] = "http://elsewhere/y"
        sent["update"]["url"] = "http://elsewhere/z"
        item = await schedule(api, project_id, sent)
        assert item["url"].startswith("http://localhost/v1/schedules/")

    async def test_template_narrows_an_update(self, api: httpx.AsyncClient, project_id: int) -> None:
        template_id = await create_template(api, project_id)
        item = await schedule(
            api, project_id, update_of({"Coupon": {"value": "1"}}, template=str(template_id))
        )
        assert item["update"]["template"] == template_id
        assert item["update"]["audience"] == "all"

    async def test_audience_is_stored_normalised(self, api: httpx.AsyncClient, project_id: int) -> None:
        audience = {"and": [{"tag": ["a", "b"]}, {"not": [{"tag": "c"}]}]}
        item = await schedule(api, project_id, update_of({"Coupon": {"value": "1"}}, audience))
        assert item["update"]["audience"] == {"AND": [{"tag": ["a", "b"]}, {"NOT": {"tag": "c"}}]}

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            (lambda b: b | {"notify": NOTIFY_EXAMPLE["notify"]}, "notify"),
            (lambda b: {k: v for k, v in b.items() if k != "update"}, "update"),
            (
                lambda b: b | {"schedule": {"scheduled_time": "2017-04-10T18:45:00"}},
                "schedule.scheduled_time",
            ),
            (lambda b: b | {"schedule": {"scheduled_time": "next tuesday"}}, "schedule.scheduled_time"),
            (lambda b: b | {"schedule": {"scheduled_time": 1893456000}}, "schedule.scheduled_time"),
            (lambda b: b | {"schedule": {}}, "schedule.scheduled_time"),
            (lambda b: {k: v for k, v in b.items() if k != "schedule"}, "schedule"),
            (lambda b: b | {"name": ""}, "name"),
            (lambda b: b | {"color": "red"}, "color"),
            (
                lambda b: b | {"update": b["update"] | {"audience": {"colour": "red"}}},
                "update.audience.colour",
            ),
            (lambda b: b | {"update": {"pass": b["update"]["pass"]}}, "update.audience"),
            (lambda b: b | {"update": b["update"] | {"pass": {"fields": {}}}}, "update.pass.fields"),
            (
                lambda b: b | {"update": b["update"] | {"pass": {"fields": {"primary1": {"label": "x"}}}}},
                "update.pass.fields.primary1.value",
            ),
            (
                lambda b: (
                    b
                    | {
                        "update": b["update"]
                        | {"pass": {"fields": {"p": {"value": "1", "changeMessage": "x"}}}}
                    }
                ),
                "update.pass.fields.p.changeMessage",
            ),
            (lambda b: b | {"update": b["update"] | {"template": 999999}}, "update.template"),
            (lambda b: b | {"update": b["update"] | {"extra": 1}}, "update.extra"),
        ],
    )
    async def test_bad_update_is_400_naming_the_field_and_writes_nothing(
        self, api: httpx.AsyncClient, project_id: int, database: Database, change: Any, field: str
    ) -> None:
        response = await api.post(f"/v1/schedules/{project_id}", json=change(body(UPDATE_EXAMPLE)))
        assert response.status_code == 400, response.text
        assert [d["field"] for d in response.json()["details"]] == [field], response.json()
        assert await counts(database) == (0, 0, 0)

    @pytest.mark.parametrize(
        ("notification", "field"),
        [
            ({"label": "Last"}, "notify.pass.notification.value"),
            ({"value": "  "}, "notify.pass.notification.value"),
            ({"value": "x", "body": "y"}, "notify.pass.notification.body"),
        ],
    )
    async def test_bad_notification_is_400(
        self, api: httpx.AsyncClient, project_id: int, database: Database, notification: Any, field: str
    ) -> None:
        sent = body(NOTIFY_EXAMPLE)
        sent["notify"]["pass"]["notification"] = notification
        response = await api.post(f"/v1/schedules/{project_id}", json=sent)
        assert response.status_code == 400, response.text
        assert [d["field"] for d in response.json()["details"]] == [field]
        assert await counts(database) == (0, 0, 0)

    async def test_values_are_checked_against_the_templates_having_the_field(
        self, api: httpx.AsyncClient, project_id: int, database: Database
    ) -> None:
        template = apple_template()
        template["fields"]["Points"] = {"fieldType": "secondary", "formatType": "Number", "value": 0}
        await create_template(api, project_id, template)
        await create_template(api, project_id)  # has no Points field: its passes ignore it
        bad = await api.post(f"/v1/schedules/{project_id}", json=update_of({"Points": {"value": "lots"}}))
        assert bad.status_code == 400, bad.text
        assert [d["field"] for d in bad.json()["details"]] == ["update.pass.fields.Points.value"]
        assert await counts(database) == (0, 0, 0)
        await schedule(api, project_id, update_of({"Points": {"value": 12}, "NotAnywhere": {"value": "x"}}))

    async def test_with_a_template_unknown_fields_are_refused(
        self, api: httpx.AsyncClient, project_id: int
    ) -> None:
        template_id = await create_template(api, project_id)
        sent = update_of({"Nope": {"value": "1"}}, template=template_id)
        response = await api.post(f"/v1/schedules/{project_id}", json=sent)
        assert response.status_code == 400
        assert [d["field"] for d in response.json()["details"]] == ["update.pass.fields.Nope"]

    async def test_images_cannot_be_scheduled(self, api: httpx.AsyncClient, project_id: int) -> None:
        sent = update_of({"strip_image": {"value": "https://example.com/strip.png"}})
        response = await api.post(f"/v1/schedules/{project_id}", json=sent)
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == "update.pass.fields.strip_image"

    async def test_template_of_another_project_is_400(self, api: httpx.AsyncClient, project_id: int) -> None:
        other = await create_project(api)
        template_id = await create_template(api, other["id"])
        sent = update_of({"Coupon": {"value": "1"}}, template=template_id)
        response = await api.post(f"/v1/schedules/{project_id}", json=sent)
        assert response.status_code == 400 and response.json()["details"][0]["field"] == "update.template"

    async def test_another_accounts_project_is_404(self, new_api: ApiFactory, database: Database) -> None:
        owner, stranger = await new_api(), await new_api()
        project = await create_project(owner)
        response = await stranger.post(f"/v1/schedules/{project['id']}", json=body(UPDATE_EXAMPLE))
        assert response.status_code == 404
        assert await counts(database) == (0, 0, 0)


class TestListSchedules:
    async def test_pending_soonest_first_or_latest_first(
        self, api: httpx.AsyncClient, project_id: int
    ) -> None:
        made = {
            hours: await schedule(api, project_id, body(UPDATE_EXAMPLE, at=future(hours)))
            for hours in (3, 1, 2)
        }
        response = await api.get(f"/v1/schedules/{project_id}")
        assert response.status_code == 200, response.text
        listed = response.json()
        assert (listed["ok"], listed["count"], listed["total_count"]) == (True, 3, 3)
        assert "next_page" not in listed
        assert [item["url"] for item in listed["schedules"]] == [made[h]["url"] for h in (1, 2, 3)]
        assert listed["schedules"][0] == made[1]
        latest_first = (await api.get("/v1/schedules/id/offers", params={"order": "DESC"})).json()
        assert [item["url"] for item in latest_first["schedules"]] == [made[h]["url"] for h in (3, 2, 1)]

    @pytest.mark.parametrize("order", ["asc", "desc"])
    async def test_pages_follow_next_page(self, api: httpx.AsyncClient, project_id: int, order: str) -> None:
        at = future(5)  # the first two share a time
        urls = [(await schedule(api, project_id, body(UPDATE_EXAMPLE, at=at if h < 2 else future(h))))["url"]
                for h in range(5)]  # fmt: skip
        seen: list[str] = []
        page = (await api.get(f"/v1/schedules/{project_id}", params={"limit": 2, "order": order})).json()
        pages = 1
        while "next_page" in page:
            assert (page["count"], page["total_count"]) == (2, 5)
            assert page["next_page"].startswith(f"http://localhost/v1/schedules/{project_id}?start=")
            assert page["next_page"].endswith(f"&limit=2&order={order}")
            seen += [item["url"] for item in page["schedules"]]
            page = (await api.get(page["next_page"].removeprefix("http://localhost"))).json()
            pages += 1
        seen += [item["url"] for item in page["schedules"]]
        assert pages == 3 and page["count"] == 1
        assert sorted(seen) == sorted(urls) and len(set(seen)) == 5
        tied = sorted(urls[:2], key=lambda url: uuid.UUID(url.rsplit("/", 1)[1]))  # ties go by id
        soonest = [urls[2], urls[3], urls[4], *tied]
        assert seen == (soonest if order == "asc" else list(reversed(soonest)))

    @pytest.mark.parametrize(
        ("params", "field"),
        [({"limit": 101}, "limit"), ({"limit": 0}, "limit"), ({"order": "up"}, "order"),
         ({"start": "nope"}, "start"), ({"start": str(uuid.uuid4())}, "start")],
    )  # fmt: skip
    async def test_bad_query_is_400(
        self, api: httpx.AsyncClient, project_id: int, params: dict[str, Any], field: str
    ) -> None:
        response = await api.get(f"/v1/schedules/{project_id}", params=params)
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == field

    async def test_other_projects_schedules_are_not_listed(
        self, api: httpx.AsyncClient, project_id: int
    ) -> None:
        other = await create_project(api)
        await schedule(api, other["id"], body(UPDATE_EXAMPLE))
        listed = (await api.get(f"/v1/schedules/{project_id}")).json()
        assert (listed["count"], listed["total_count"], listed["schedules"]) == (0, 0, [])

    async def test_another_accounts_project_is_404(self, new_api: ApiFactory) -> None:
        owner, stranger = await new_api(), await new_api()
        project = await create_project(owner)
        await schedule(owner, project["id"], body(UPDATE_EXAMPLE))
        assert (await stranger.get(f"/v1/schedules/{project['id']}")).status_code == 404


class TestGetSchedule:
    async def test_reads_what_was_made(self, api: httpx.AsyncClient, project_id: int) -> None:
        item = await schedule(api, project_id, body(NOTIFY_EXAMPLE))
        response = await api.get(f"/v1/schedules/id/offers/{id_of(item)}")
        assert response.status_code == 200
        assert response.json() == item

    async def test_unknown_is_404(self, api: httpx.AsyncClient, project_id: int) -> None:
        response = await api.get(f"/v1/schedules/{project_id}/{uuid.uuid4()}")
        assert response.status_code == 404
        assert response.json()["error_code"] == "schedule_not_found"

    async def test_under_another_project_is_404(self, api: httpx.AsyncClient, project_id: int) -> None:
        item = await schedule(api, project_id, body(UPDATE_EXAMPLE))
        other = await create_project(api)
        assert (await api.get(f"/v1/schedules/{other['id']}/{id_of(item)}")).status_code == 404

    async def test_another_accounts_is_404(self, new_api: ApiFactory) -> None:
        owner, stranger = await new_api(), await new_api()
        project = await create_project(owner)
        item = await schedule(owner, project["id"], body(UPDATE_EXAMPLE))
        assert (await stranger.get(item["url"].removeprefix("http://localhost"))).status_code == 404


class TestReplaceSchedule:
    async def test_full_replace_may_switch_to_notify(
        self, api: httpx.AsyncClient, project_id: int, database: Database
    ) -> None:
        item = await schedule(api, project_id, body(UPDATE_EXAMPLE))
        at = future(48)
        sent = body(NOTIFY_EXAMPLE, at=at, name="Later")
        response = await api.put(item["url"].removeprefix("http://localhost"), json=sent)
        assert response.status_code == 200, response.text
        answer = response.json()
        (replaced,) = answer["schedules"]
        assert answer["ok"] is True and answer["schedule_urls"] == [item["url"]]
        assert (replaced["url"], replaced["ticket"]) == (item["url"], item["ticket"])
        assert (replaced["name"], replaced["schedule"]["scheduled_time"]) == ("Later", at + ".000Z")
        assert replaced["notify"] == NOTIFY_EXAMPLE["notify"] and "update" not in replaced
        assert (await api.get(item["url"].removeprefix("http://localhost"))).json() == replaced
        runs = await queued_runs(database)
        assert [job.payload["version"] for job in runs] == [1, 2]
        assert runs[1].run_at.isoformat(timespec="seconds") == at + "+00:00"

    async def test_name_left_out_is_cleared(self, api: httpx.AsyncClient, project_id: int) -> None:
        item = await schedule(api, project_id, body(UPDATE_EXAMPLE))
        sent = body({k: v for k, v in UPDATE_EXAMPLE.items() if k != "name"})
        replaced = (await api.put(item["url"].removeprefix("http://localhost"), json=sent)).json()
        assert "name" not in replaced["schedules"][0]

    async def test_bad_body_is_400_and_changes_nothing(
        self, api: httpx.AsyncClient, project_id: int, database: Database
    ) -> None:
        item = await schedule(api, project_id, body(UPDATE_EXAMPLE))
        path = item["url"].removeprefix("http://localhost")
        response = await api.put(path, json=body(UPDATE_EXAMPLE) | {"notify": NOTIFY_EXAMPLE["notify"]})
        assert response.status_code == 400 and response.json()["details"][0]["field"] == "notify"
        assert (await api.get(path)).json() == item
        assert len(await queued_runs(database)) == 1

    async def test_unknown_is_404(self, api: httpx.AsyncClient, project_id: int) -> None:
        response = await api.put(f"/v1/schedules/{project_id}/{uuid.uuid4()}", json=body(UPDATE_EXAMPLE))
        assert response.status_code == 404

    async def test_another_accounts_is_404(self, new_api: ApiFactory) -> None:
        owner, stranger = await new_api(), await new_api()
        project = await create_project(owner)
        item = await schedule(owner, project["id"], body(UPDATE_EXAMPLE))
        path = item["url"].removeprefix("http://localhost")
        assert (await stranger.put(path, json=body(NOTIFY_EXAMPLE))).status_code == 404
        assert (await owner.get(path)).json() == item


class TestDeleteSchedule:
    async def test_deleted_schedule_is_gone_and_its_ticket_says_so(
        self, api: httpx.AsyncClient, project_id: int
    ) -> None:
        item = await schedule(api, project_id, body(UPDATE_EXAMPLE))
        path = item["url"].removeprefix("http://localhost")
        response = await api.delete(path)
        assert response.status_code == 204 and response.content == b""
        assert (await api.get(path)).status_code == 404
        assert (await api.get(f"/v1/schedules/{project_id}")).json()["total_count"] == 0
        ticket = (await api.get(item["ticket"].removeprefix("http://localhost"))).json()
        assert ticket["status"] == "FAILED" and ticket["error"].startswith("Cancelled")
        assert (await api.delete(path)).status_code == 404

    async def test_another_accounts_is_404(self, new_api: ApiFactory) -> None:
        owner, stranger = await new_api(), await new_api()
        project = await create_project(owner)
        item = await schedule(owner, project["id"], body(UPDATE_EXAMPLE))
        path = item["url"].removeprefix("http://localhost")
        assert (await stranger.delete(path)).status_code == 404
        assert (await owner.get(path)).status_code == 200
