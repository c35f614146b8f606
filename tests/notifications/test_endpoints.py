"""The notify endpoints through the real app, the job worker and the downloaded passes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from passmint.db import Database
from passmint.jobs.registry import JobContext
from passmint.models import Job, Tag, Ticket
from tests.conftest import ApiFactory
from tests.factories import create_pass, create_project, create_template
from tests.notifications.conftest import Templates, back_fields, run_jobs, ticket
from tests.passes.conftest import Verify
from tests.registrations.test_webservice import Phone

MESSAGE = {"label": "News", "value": "Double points this weekend"}
SHOWN = {"key": "notification", "label": "News", "value": "Double points this weekend", "changeMessage": "%@"}


async def notified(api: httpx.AsyncClient, method: str, path: str, **kw: Any) -> int:
    """Send a notify (or its DELETE); the ticket id it answers."""
    response = await api.request(method, path, **kw)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"ticketId"}
    return int(response.json()["ticketId"])


async def finished(api: httpx.AsyncClient, ticket_id: int, done: int) -> None:
    found = await ticket(api, ticket_id)
    assert (found["status"], found["done"], found["operation"]) == ("COMPLETED", done, "notify")


async def stored_rows(database: Database) -> tuple[int, int]:
    """Tickets and jobs in the database."""
    async with database.transaction() as session:
        tickets = await session.scalar(select(func.count()).select_from(Ticket)) or 0
        jobs = await session.scalar(select(func.count()).select_from(Job)) or 0
    return tickets, jobs


class TestNotifyPass:
    async def test_the_message_goes_on_the_pass_and_only_there(
        self,
        api: httpx.AsyncClient,
        templates: Templates,
        database: Database,
        job_context: JobContext,
        verify: Verify,
    ) -> None:
        target, other = await create_pass(api, templates.first), await create_pass(api, templates.first)
        ticket_id = await notified(api, "POST", f"/v1/pass/{target['id']}/notify", json=MESSAGE)
        await run_jobs(database, job_context)
        await finished(api, ticket_id, 1)
        assert await back_fields(api, verify, target["id"]) == [SHOWN]
        assert await back_fields(api, verify, other["id"]) == []
        assert (await api.get(f"/v1/pass/{target['id']}")).json()["updatedAt"] > target["updatedAt"]
        assert (await api.get(f"/v1/pass/{other['id']}")).json()["updatedAt"] == other["updatedAt"]

    async def test_delete_takes_it_off(
        self,
        api: httpx.AsyncClient,
        templates: Templates,
        database: Database,
        job_context: JobContext,
        verify: Verify,
    ) -> None:
        pass_id = (await create_pass(api, templates.first))["id"]
        await notified(api, "POST", f"/v1/pass/{pass_id}/notify", json={"value": "Hello"})
        await run_jobs(database, job_context)
        assert await back_fields(api, verify, pass_id) == [
            {"key": "notification", "value": "Hello", "changeMessage": "%@"}
        ]
        ticket_id = await notified(api, "DELETE", f"/v1/pass/{pass_id}/notify")
        await run_jobs(database, job_context)
        await finished(api, ticket_id, 1)
        assert await back_fields(api, verify, pass_id) == []

    async def test_a_new_message_replaces_the_last(
        self,
        api: httpx.AsyncClient,
        templates: Templates,
        database: Database,
        job_context: JobContext,
        verify: Verify,
    ) -> None:
        pass_id = (await create_pass(api, templates.first))["id"]
        for value in ("First", "Second", "Second"):
            ticket_id = await notified(api, "POST", f"/v1/pass/{pass_id}/notify", json={"value": value})
            await run_jobs(database, job_context)
            await finished(api, ticket_id, 1)
        assert [field["value"] for field in await back_fields(api, verify, pass_id)] == ["Second"]

    async def test_registered_phones_hear_of_it(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, templates: Templates,
        database: Database, job_context: JobContext,
    ) -> None:  # fmt: skip
        created = await create_pass(api, templates.first)
        document = (await api.get(f"/v1/pass/{created['id']}/viewJSONPass")).json()
        phone = Phone(anonymous, "device-1", created, document["authenticationToken"])
        assert (await phone.register()).status_code == 201
        tag = (await phone.updated()).json()["lastUpdated"]
        await notified(api, "POST", f"/v1/pass/{created['id']}/notify", json=MESSAGE)
        await run_jobs(database, job_context)
        assert (await phone.updated(tag)).json()["serialNumbers"] == [created["serialNumber"]]

    @pytest.mark.parametrize("method", ["POST", "DELETE"])
    async def test_by_external_id(
        self,
        api: httpx.AsyncClient,
        templates: Templates,
        database: Database,
        job_context: JobContext,
        verify: Verify,
        method: str,
    ) -> None:
        response = await api.post(f"/v1/pass/{templates.first}/id/alice", json={})
        pass_id = response.json()["id"]
        await notified(api, "POST", f"/v1/pass/{pass_id}/notify", json=MESSAGE)
        await run_jobs(database, job_context)
        expected = [SHOWN] if method == "POST" else []
        for path in (
            f"/v1/pass/template/{templates.first}/id/alice/notify",
            "/v1/pass/template/id/card/id/alice/notify",
            "/v1/pass/id/alice/notify",
        ):
            body = {"json": MESSAGE} if method == "POST" else {}
            ticket_id = await notified(api, method, path, **body)
            await run_jobs(database, job_context)
            await finished(api, ticket_id, 1)
            assert await back_fields(api, verify, pass_id) == expected

    @pytest.mark.parametrize("method", ["POST", "DELETE"])
    async def test_unknown_pass_is_404(
        self, api: httpx.AsyncClient, templates: Templates, database: Database, method: str
    ) -> None:
        await api.post(f"/v1/pass/{templates.first}/id/alice", json={})
        for path in (
            "/v1/pass/999999/notify",
            "/v1/pass/id/nobody/notify",
            f"/v1/pass/template/{templates.first}/id/nobody/notify",
            f"/v1/pass/template/{templates.second}/id/alice/notify",
        ):
            response = await api.request(method, path, json=MESSAGE if method == "POST" else None)
            assert (response.status_code, response.json()["error_code"]) == (404, "pass_not_found"), path
        response = await api.request(method, "/v1/pass/template/999999/id/alice/notify",
                                     json=MESSAGE if method == "POST" else None)  # fmt: skip
        assert (response.status_code, response.json()["error_code"]) == (404, "template_not_found")
        assert await stored_rows(database) == (0, 0)

    async def test_another_accounts_pass_is_404(self, new_api: ApiFactory) -> None:
        owner, stranger = await new_api(), await new_api()
        pass_id = (
            await create_pass(owner, await create_template(owner, (await create_project(owner))["id"]))
        )["id"]
        assert (await stranger.post(f"/v1/pass/{pass_id}/notify", json=MESSAGE)).status_code == 404
        assert (await stranger.delete(f"/v1/pass/{pass_id}/notify")).status_code == 404

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "value"),
            ({"label": "News"}, "value"),
            ({"value": ""}, "value"),
            ({"value": "   "}, "value"),
            ({"value": 5}, "value"),
            ({"value": "x" * 2001}, "value"),
            ({"value": "Hi", "label": 3}, "label"),
            ({"value": "Hi", "changeMessage": "%@"}, "changeMessage"),
        ],
    )
    async def test_bad_body_is_400_and_writes_nothing(
        self, api: httpx.AsyncClient, templates: Templates, database: Database, body: object, field: str
    ) -> None:
        pass_id = (await create_pass(api, templates.first))["id"]
        response = await api.post(f"/v1/pass/{pass_id}/notify", json=body)
        assert response.status_code == 400, response.text
        assert [detail["field"] for detail in response.json()["details"]] == [field]
        assert await stored_rows(database) == (0, 0)


class TestNotifyTemplate:
    async def test_every_pass_of_the_template(
        self,
        api: httpx.AsyncClient,
        templates: Templates,
        database: Database,
        job_context: JobContext,
        verify: Verify,
    ) -> None:
        ours = [(await create_pass(api, templates.first))["id"] for _ in range(3)]
        theirs = (await create_pass(api, templates.second))["id"]
        ticket_id = await notified(api, "POST", f"/v1/template/{templates.first}/notify", json=MESSAGE)
        await run_jobs(database, job_context)
        await finished(api, ticket_id, 3)
        for pass_id in ours:
            assert await back_fields(api, verify, pass_id) == [SHOWN]
        assert await back_fields(api, verify, theirs) == []

        ticket_id = await notified(api, "DELETE", "/v1/template/id/card/notify")
        await run_jobs(database, job_context)
        await finished(api, ticket_id, 3)
        for pass_id in ours:
            assert await back_fields(api, verify, pass_id) == []

    async def test_by_external_id(
        self, api: httpx.AsyncClient, templates: Templates, database: Database,
        job_context: JobContext, verify: Verify,
    ) -> None:  # fmt: skip
        pass_id = (await create_pass(api, templates.first))["id"]
        ticket_id = await notified(api, "POST", "/v1/template/id/card/notify", json=MESSAGE)
        await run_jobs(database, job_context)
        await finished(api, ticket_id, 1)
        assert await back_fields(api, verify, pass_id) == [SHOWN]

    async def test_a_template_without_passes_completes_empty(
        self, api: httpx.AsyncClient, templates: Templates, database: Database, job_context: JobContext
    ) -> None:
        ticket_id = await notified(api, "POST", f"/v1/template/{templates.second}/notify", json=MESSAGE)
        await run_jobs(database, job_context)
        await finished(api, ticket_id, 0)

    @pytest.mark.parametrize("method", ["POST", "DELETE"])
    async def test_unknown_template_is_404(self, api: httpx.AsyncClient, method: str) -> None:
        for path in ("/v1/template/999999/notify", "/v1/template/id/nothing/notify"):
            response = await api.request(method, path, json=MESSAGE if method == "POST" else None)
            assert (response.status_code, response.json()["error_code"]) == (404, "template_not_found")

    async def test_another_accounts_template_is_404(self, new_api: ApiFactory) -> None:
        owner, stranger = await new_api(), await new_api()
        template_id = await create_template(owner, (await create_project(owner))["id"])
        assert (await stranger.post(f"/v1/template/{template_id}/notify", json=MESSAGE)).status_code == 404


class TestNotifyTag:
    @pytest.fixture
    async def tagged(self, api: httpx.AsyncClient, templates: Templates) -> dict[str, int]:
        """vip1, vip2 and plain in the first template; vip_elsewhere in the second."""
        return {
            "vip1": (await create_pass(api, templates.first, {"tags": ["vip", "summer"]}))["id"],
            "vip2": (await create_pass(api, templates.first, {"tags": ["vip"]}))["id"],
            "plain": (await create_pass(api, templates.first))["id"],
            "vip_elsewhere": (await create_pass(api, templates.second, {"tags": ["vip"]}))["id"],
        }

    async def test_passes_of_the_template_with_the_tag(
        self,
        api: httpx.AsyncClient,
        templates: Templates,
        tagged: dict[str, int],
        database: Database,
        job_context: JobContext,
        verify: Verify,
    ) -> None:
        path = "/v1/tag/vip/notify"
        ticket_id = await notified(api, "POST", path, params={"templateId": templates.first}, json=MESSAGE)
        await run_jobs(database, job_context)
        await finished(api, ticket_id, 2)
        shown = {name: await back_fields(api, verify, pass_id) for name, pass_id in tagged.items()}
        assert shown == {"vip1": [SHOWN], "vip2": [SHOWN], "plain": [], "vip_elsewhere": []}

        ticket_id = await notified(api, "DELETE", path, params={"templateId": "id/card"})
        await run_jobs(database, job_context)
        await finished(api, ticket_id, 2)
        assert await back_fields(api, verify, tagged["vip1"]) == []

    async def test_a_tag_by_id(
        self,
        api: httpx.AsyncClient,
        templates: Templates,
        tagged: dict[str, int],
        database: Database,
        job_context: JobContext,
        verify: Verify,
    ) -> None:
        async with database.transaction() as session:
            tag_id = await session.scalar(select(Tag.id).where(Tag.name == "summer"))
        params = {"templateId": templates.first}
        ticket_id = await notified(api, "POST", f"/v1/tag/{tag_id}/notify", params=params, json=MESSAGE)
        await run_jobs(database, job_context)
        await finished(api, ticket_id, 1)
        assert await back_fields(api, verify, tagged["vip1"]) == [SHOWN]
        assert await back_fields(api, verify, tagged["vip2"]) == []

    @pytest.mark.parametrize("method", ["POST", "DELETE"])
    async def test_template_id_is_required(
        self, api: httpx.AsyncClient, tagged: dict[str, int], database: Database, method: str
    ) -> None:
        response = await api.request(method, "/v1/tag/vip/notify", json=MESSAGE if method == "POST" else None)
        assert response.status_code == 400, response.text
        assert [(d["field"], d["location"]) for d in response.json()["details"]] == [("templateId", "query")]
        assert await stored_rows(database) == (0, 0)

    @pytest.mark.parametrize("method", ["POST", "DELETE"])
    async def test_a_tag_no_pass_of_the_template_carries_is_404(
        self, api: httpx.AsyncClient, templates: Templates, tagged: dict[str, int], method: str
    ) -> None:
        body = MESSAGE if method == "POST" else None
        for tag, template in (
            ("summer", templates.second),
            ("nobody", templates.first),
            ("999999", templates.first),
        ):
            response = await api.request(
                method, f"/v1/tag/{tag}/notify", params={"templateId": template}, json=body
            )
            assert (response.status_code, response.json()["error_code"]) == (404, "tag_not_found"), tag
        response = await api.request(method, "/v1/tag/vip/notify", params={"templateId": 999999}, json=body)
        assert (response.status_code, response.json()["error_code"]) == (404, "template_not_found")

    async def test_another_accounts_tag_is_404(self, new_api: ApiFactory) -> None:
        owner, stranger = await new_api(), await new_api()
        template_id = await create_template(owner, (await create_project(owner))["id"])
        await create_pass(owner, template_id, {"tags": ["vip"]})
        stranger_template = await create_template(stranger, (await create_project(stranger))["id"])
        await create_pass(stranger, stranger_template)
        for template in (template_id, stranger_template):
            response = await stranger.post(
                "/v1/tag/vip/notify", params={"templateId": template}, json=MESSAGE
            )
            assert response.status_code == 404
