"""The Google messages API: ``/v1/pass/{passId}/message`` and ``/v1/pass/template/{t}/id/{e}/message``."""

from __future__ import annotations

import copy

import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from passmint.config import Settings
from passmint.db import Database
from passmint.google.ids import object_id
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.models import Job
from tests.conftest import ApiClient
from tests.factories import GOOGLE_TEMPLATE, create_pass, create_project, create_template
from tests.google import bodies
from tests.google.test_save_links import google_pass as google_pass_of
from tests.googleapi.test_sync import DEV_ISSUER, insert_now
from tests.support.google_standin import GoogleStandin

MESSAGE = {
    "body": "wallet object expires soon",
    "header": "expires",
    "startTime": "2018-06-03T21:10:00.000Z",
    "endTime": {"date": "2018-06-05T21:50:00.000Z"},
    "messageType": "expirationNotification",
}


async def google_pass(api: ApiClient) -> tuple[int, int]:
    project = await create_project(api)
    template_id = await create_template(api, project["id"], copy.deepcopy(GOOGLE_TEMPLATE))
    made = await api.post(f"/v1/pass/{template_id}/id/member-1", json={})
    assert made.status_code == 200, made.text
    return template_id, made.json()["id"]


class TestMessages:
    async def test_add_then_list_at_both_addresses(self, api: ApiClient) -> None:
        template_id, pass_id = await google_pass(api)
        assert (await api.get(f"/v1/pass/{pass_id}/message")).json() == {"messages": []}
        response = await api.post(f"/v1/pass/{pass_id}/message", json=MESSAGE)
        assert response.status_code == 200, response.text
        added = response.json()
        assert (
            added["startTime"] == "2018-06-03T21:10:00.000Z"
            and added["endTime"] == "2018-06-05T21:50:00.000Z"
        )
        assert added["messageType"] == "expirationNotification" and "createdAt" in added
        second = await api.post(
            f"/v1/pass/template/{template_id}/id/member-1/message", json={"body": "hello", "header": "hi"}
        )
        assert second.status_code == 200 and second.json()["messageType"] == "text"
        for path in (f"/v1/pass/{pass_id}/message", f"/v1/pass/template/{template_id}/id/member-1/message"):
            listed = (await api.get(path)).json()["messages"]
            assert [message["body"] for message in listed] == ["wallet object expires soon", "hello"]

    async def test_an_apple_pass_is_refused(self, api: ApiClient) -> None:
        template_id = await create_template(api, (await create_project(api))["id"])
        pass_id = (await create_pass(api, template_id))["id"]
        for response in (
            await api.get(f"/v1/pass/{pass_id}/message"),
            await api.post(f"/v1/pass/{pass_id}/message", json=MESSAGE),
        ):
            assert response.status_code == 400
            assert response.json()["error_code"] == "not_a_google_pass"

    @pytest.mark.parametrize(
        "change", [{"messageType": "shout"}, {"startTime": "soon"}, {"colour": "red"}, {"body": 5}]
    )
    async def test_bad_bodies_name_the_field(self, api: ApiClient, change: dict[str, object]) -> None:
        _, pass_id = await google_pass(api)
        response = await api.post(f"/v1/pass/{pass_id}/message", json=MESSAGE | change)
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == next(iter(change))
        assert (await api.get(f"/v1/pass/{pass_id}/message")).json() == {"messages": []}

    async def test_a_missing_pass_is_404(self, api: ApiClient) -> None:
        assert (await api.get("/v1/pass/999999/message")).status_code == 404
        assert (await api.post("/v1/pass/template/1/id/nobody/message", json=MESSAGE)).status_code == 404

    async def test_a_message_reaches_an_object_google_knows(
        self, api: ApiClient, database: Database, google_context: JobContext, standin: GoogleStandin
    ) -> None:
        _, pass_id = await google_pass(api)
        await insert_now(database, api, google_context, pass_id)
        assert (await api.post(f"/v1/pass/{pass_id}/message", json=MESSAGE)).status_code == 200
        await Worker(database, google_context).run_until_idle()
        found = standin.resource("loyaltyObject", object_id(DEV_ISSUER, pass_id))
        assert found is not None
        [message] = found["messages"]
        assert message["messageType"] == "EXPIRATION_NOTIFICATION" and message["header"] == "expires"
        assert message["displayInterval"]["end"]["date"] == "2018-06-05T21:50:00Z"

    async def test_google_keeps_the_newest_ten_and_passmint_lists_them_all(
        self, api: ApiClient, database: Database, google_context: JobContext, standin: GoogleStandin
    ) -> None:
        _, pass_id = await google_pass(api)
        await insert_now(database, api, google_context, pass_id)
        worker = Worker(database, google_context)
        for number in range(12):
            response = await api.post(f"/v1/pass/{pass_id}/message", json={"body": f"news {number}"})
            assert response.status_code == 200, response.text
            await worker.run_until_idle()
        found = standin.resource("loyaltyObject", object_id(DEV_ISSUER, pass_id))
        assert found is not None
        assert [message["body"] for message in found["messages"]] == [f"news {n}" for n in range(2, 12)]
        listed = (await api.get(f"/v1/pass/{pass_id}/message")).json()["messages"]
        assert len(listed) == 12
        assert await dead_jobs(database) == 0


async def dead_jobs(database: Database) -> int:
    async with database.transaction() as session:
        return int(
            await session.scalar(select(func.count()).select_from(Job).where(Job.status == "dead")) or 0
        )


JSON = {"Accept": "application/json"}


class TestLongSaveLinks:
    async def test_a_save_link_too_long_inserts_its_object_and_names_it_by_id(
        self, api: ApiClient, app: FastAPI, google_settings: Settings, standin: GoogleStandin
    ) -> None:
        """L19873's pass on L19981's coupon is too big for a save JWT: its class and object are inserted
        at Google (the stand-in, which checks them against the schema) and the JWT carries the id alone."""
        _, made = await google_pass_of(api, "coupon", bodies.coupon_template(), bodies.pass_request())
        before, app.state.settings = app.state.settings, google_settings
        try:
            response = await api.get(
                f"/v1/pass/{made['id']}/download", headers={"Accept": "application/json"}
            )
        finally:
            app.state.settings = before
        assert response.status_code == 200, response.text
        answer = response.json()
        assert len(answer["jwt"]) <= 1800
        claims = jwt.decode(answer["jwt"], options={"verify_signature": False})
        assert claims["payload"]["offerObjects"] == [{"id": answer["objectId"]}]
        assert standin.resource("offerObject", answer["objectId"]) is not None
        assert standin.resource("offerClass", answer["classId"]) is not None
