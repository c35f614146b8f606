"""Delivering callbacks to a real receiver: signed, retried while it is down, dropped when it refuses."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from passmint.callbacks import service, signing, tasks
from passmint.config import Settings
from passmint.db import Database
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.kit.time import utcnow
from passmint.models import Job, Pass
from tests.callbacks import Made, Receiver, project_with_pass, set_callback
from tests.conftest import ApiClient
from tests.support.servers import free_port


def no_wait(_attempts: int) -> timedelta:
    return timedelta(0)


async def emit(database: Database, pass_id: int, event: str = "install", platform: str = "ios") -> None:
    async with database.transaction() as session:
        pass_ = await session.get(Pass, pass_id)
        assert pass_ is not None
        await service.emit(session, pass_, event, platform=platform)  # type: ignore[arg-type]


async def deliveries(database: Database) -> list[Job]:
    async with database.transaction() as session:
        statement = select(Job).where(Job.name == service.DELIVER).order_by(Job.id)
        return list((await session.scalars(statement)).all())


async def time_passes(database: Database) -> None:
    """Every queued job's retry falls due now."""
    async with database.transaction() as session:
        await session.execute(
            text("UPDATE jobs SET run_at = :past WHERE status = 'queued'"),
            {"past": utcnow() - timedelta(seconds=1)},
        )


async def run(database: Database, job_context: JobContext) -> int:
    return await Worker(database, job_context, delay=no_wait).run_until_idle()


class TestDelivered:
    async def test_an_install_arrives_once_signed_with_the_configured_headers(
        self, api: ApiClient, database: Database, job_context: JobContext
    ) -> None:
        made = await project_with_pass(api, external_id="member-42")
        headers = {"Authorization": "Bearer abc", "X-Shop": "7", "Content-Type": "application/json"}
        with Receiver() as receiver:
            spec = await set_callback(api, made.project_id, receiver.url("/hooks/"), headers)
            await emit(database, made.pass_id)
            assert await run(database, job_context) == 1
        [request] = receiver.received
        assert (request.method, request.path) == ("POST", "/hooks/v1/pass/install")
        assert request.headers["authorization"] == "Bearer abc"
        assert request.headers["x-shop"] == "7"
        assert request.headers["content-type"] == "application/json"
        assert request.headers["user-agent"].startswith("passmint")
        assert request.headers["host"] == f"localhost:{receiver.port}"
        assert_signed(request.headers, request.body, spec["signingSecret"])
        assert request.json() == await expected_body(api, made, platform="ios", external_id="member-42")
        [job] = await deliveries(database)
        assert (job.status, job.attempts) == ("done", 1)

    async def test_an_uninstall_goes_to_its_own_path(
        self, api: ApiClient, database: Database, job_context: JobContext
    ) -> None:
        made = await project_with_pass(api)
        with Receiver() as receiver:
            await set_callback(api, made.project_id, receiver.url("/hooks?token=t1"))
            await emit(database, made.pass_id, "uninstall", platform="android")
            await run(database, job_context)
        [request] = receiver.received
        assert request.path == "/hooks/v1/pass/uninstall?token=t1"
        body = request.json()
        assert body == await expected_body(api, made, platform="android")
        assert "externalId" not in body

    async def test_no_spec_queues_nothing(self, api: ApiClient, database: Database) -> None:
        made = await project_with_pass(api)
        await emit(database, made.pass_id)
        assert await deliveries(database) == []

    async def test_a_rolled_back_event_is_never_sent(self, api: ApiClient, database: Database) -> None:
        made = await project_with_pass(api)
        await set_callback(api, made.project_id, "http://localhost:9/")
        with pytest.raises(RuntimeError):
            async with database.transaction() as session:
                pass_ = await session.get(Pass, made.pass_id)
                assert pass_ is not None
                await service.emit(session, pass_, "install", platform="ios")
                raise RuntimeError("the registration failed")
        assert await deliveries(database) == []

    async def test_apple_wallet_on_a_watch_or_a_mac_is_reported_as_ios(
        self, api: ApiClient, database: Database, job_context: JobContext
    ) -> None:
        made = await project_with_pass(api)
        with Receiver() as receiver:
            await set_callback(api, made.project_id, receiver.url())
            for system in ("watchos", "macos", "iOS"):
                await emit(database, made.pass_id, platform=system)
            await run(database, job_context)
        assert [request.json()["platform"] for request in receiver.received] == ["ios"] * 3

    async def test_an_unknown_platform_is_a_programming_error(
        self, api: ApiClient, database: Database
    ) -> None:
        made = await project_with_pass(api)
        with pytest.raises(ValueError, match="platform"):
            await emit(database, made.pass_id, platform="windows")


class TestSpecChanges:
    async def test_the_spec_in_force_when_sending_is_used(
        self, api: ApiClient, database: Database, job_context: JobContext
    ) -> None:
        made = await project_with_pass(api)
        with Receiver() as old, Receiver() as new:
            first = await set_callback(api, made.project_id, old.url(), {"X-Version": "1"})
            await emit(database, made.pass_id)
            second = await set_callback(api, made.project_id, new.url(), {"X-Version": "2"})
            await run(database, job_context)
        assert old.received == []
        [request] = new.received
        assert request.headers["x-version"] == "2"
        assert first["signingSecret"] == second["signingSecret"]
        assert_signed(request.headers, request.body, second["signingSecret"])

    async def test_a_deleted_spec_drops_what_was_queued(
        self, api: ApiClient, database: Database, job_context: JobContext
    ) -> None:
        made = await project_with_pass(api)
        with Receiver() as receiver:
            await set_callback(api, made.project_id, receiver.url())
            await emit(database, made.pass_id)
            assert (await api.delete(f"/v1/project/{made.project_id}/settings/callback")).status_code == 204
            await run(database, job_context)
        assert receiver.received == []
        [job] = await deliveries(database)
        assert job.status == "done"


class TestRetries:
    @pytest.mark.parametrize("refusal", [503, 429])
    async def test_retried_until_taken_with_the_same_id_and_body(
        self, api: ApiClient, database: Database, refusal: int, job_context: JobContext
    ) -> None:
        made = await project_with_pass(api)
        with Receiver(answers=[refusal, refusal]) as receiver:
            spec = await set_callback(api, made.project_id, receiver.url())
            await emit(database, made.pass_id)
            await run(database, job_context)
        assert len(receiver.received) == 3
        assert len(receiver.delivery_ids()) == 1
        assert len({request.body for request in receiver.received}) == 1
        for request in receiver.received:
            assert_signed(request.headers, request.body, spec["signingSecret"])
        [job] = await deliveries(database)
        assert (job.status, job.attempts) == ("done", 3)
        assert f"answered {refusal}" in (job.last_error or "")

    @pytest.mark.parametrize(
        ("refusal", "said"), [(400, "400 Bad Request"), (302, "redirects are not followed")]
    )
    async def test_a_refusal_is_final(
        self, api: ApiClient, database: Database, refusal: int, said: str, job_context: JobContext
    ) -> None:
        made = await project_with_pass(api)
        with Receiver(answers=[refusal]) as receiver:
            await set_callback(api, made.project_id, receiver.url("/hooks?token=t0p"))
            await emit(database, made.pass_id)
            await run(database, job_context)
        assert len(receiver.received) == 1
        [job] = await deliveries(database)
        assert (job.status, job.attempts) == ("dead", 1)
        assert said in (job.last_error or "")
        assert "t0p" not in (job.last_error or "")  # a token in the query is never shown

    async def test_a_receiver_that_is_down_gets_everything_when_it_is_back(
        self, api: ApiClient, database: Database, job_context: JobContext
    ) -> None:
        made = await project_with_pass(api)
        port = free_port()
        await set_callback(api, made.project_id, f"http://localhost:{port}/hooks")
        for _ in range(3):
            await emit(database, made.pass_id)
        later = Worker(database, job_context, delay=lambda _attempts: timedelta(hours=1))
        for _ in range(2):  # down for two rounds of attempts
            assert await later.run_until_idle() == 3
            await time_passes(database)
        for job in await deliveries(database):
            assert (job.status, job.attempts) == ("queued", 2)
            assert "could not be reached" in (job.last_error or "")
        with Receiver(port) as receiver:
            assert await later.run_until_idle() == 3
        assert len(receiver.received) == 3
        assert receiver.delivery_ids() == {job.payload["delivery_id"] for job in await deliveries(database)}
        assert {job.status for job in await deliveries(database)} == {"done"}

    async def test_a_slow_receiver_is_given_up_on_for_this_attempt(
        self, api: ApiClient, database: Database, monkeypatch: pytest.MonkeyPatch, job_context: JobContext
    ) -> None:
        monkeypatch.setattr(tasks, "ATTEMPT_TIMEOUT", 0.2)
        made = await project_with_pass(api)
        with Receiver(delay=2) as receiver:
            await set_callback(api, made.project_id, receiver.url())
            await emit(database, made.pass_id)
            await Worker(database, job_context, delay=lambda _attempts: timedelta(hours=1)).run_until_idle()
        [job] = await deliveries(database)
        assert (job.status, job.attempts) == ("queued", 1)
        assert "did not answer within 0.2 s" in (job.last_error or "")


class TestPrivateNetworks:
    async def test_refused_unless_allowed_and_nothing_is_sent(
        self, api: ApiClient, database: Database, settings: Settings, job_context: JobContext
    ) -> None:
        job_context = replace(
            job_context, settings=settings.model_copy(update={"allow_private_networks": False})
        )
        made = await project_with_pass(api)
        with Receiver() as receiver:
            await set_callback(api, made.project_id, receiver.url())  # a name: checked when sending
            await emit(database, made.pass_id)
            await run(database, job_context)
        assert receiver.received == []
        [job] = await deliveries(database)
        assert (job.status, job.attempts) == ("dead", 1)
        assert "is not a public internet address" in (job.last_error or "")
        assert "PASSMINT_ALLOW_PRIVATE_NETWORKS" in (job.last_error or "")


def assert_signed(headers: dict[str, str], body: bytes, secret: str) -> None:
    delivery_id, timestamp = headers["webhook-id"], int(headers["webhook-timestamp"])
    uuid.UUID(delivery_id)
    assert abs(time.time() - timestamp) < 60
    assert signing.verify(
        secret, delivery_id, timestamp, body, headers["webhook-signature"], now=int(time.time())
    )


async def expected_body(api: ApiClient, made: Made, *, platform: str, external_id: str | None = None) -> Any:
    """The reference's Callback object, from what the API says about the pass."""
    read = (await api.get(f"/v1/pass/{made.pass_id}")).json()
    body: dict[str, Any] = {
        "passId": made.pass_id,
        "templateId": made.template_id,
        "serialNumber": read["serialNumber"],
        "createdAt": read["createdAt"],
        "updatedAt": read["updatedAt"],
    }
    if external_id is not None:
        body["externalId"] = external_id
    return json.loads(json.dumps(body | {"platform": platform}))
