"""Every change to a pass pushes the phones holding it: once per device, with the pass type as topic."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

import httpx
from sqlalchemy import insert, select, update

from passmint.certificates.signers import DEV_PASS_TYPE_ID
from passmint.db import Database
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.kit.time import utcnow
from passmint.models import Device, Job, Pass, Registration
from tests.conftest import ApiClient
from tests.factories import apple_template, create_pass, create_project, create_template
from tests.pushes.apns_standin import ApnsStandIn
from tests.pushes.conftest import hold

UPDATE = {"fields": {"Coupon": {"value": "50%"}}}


async def a_pass(api: ApiClient) -> tuple[int, int]:
    """A new pass; its id and its template's."""
    template_id = await create_template(api, (await create_project(api))["id"])
    return (await create_pass(api, template_id))["id"], template_id


def tokens(apns: ApnsStandIn) -> Counter[str]:
    return Counter(request.token for request in apns.requests)


async def ticket(api: httpx.AsyncClient, ticket_id: int) -> dict[str, object]:
    return (await api.get(f"/v1/ticket/{ticket_id}")).json()  # type: ignore[no-any-return]


async def jobs(database: Database, status: str) -> list[Job]:
    async with database.transaction() as session:
        return list((await session.scalars(select(Job).where(Job.status == status))).all())


class TestPassUpdate:
    async def test_each_device_gets_one_push_with_the_pass_type_as_topic(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        pass_id, _ = await a_pass(api)
        other_id, _ = await a_pass(api)
        devices = await hold(database, [pass_id, pass_id])
        await hold(database, [other_id])

        response = await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        ticket_id = response.json()["ticketId"]
        assert (await ticket(api, ticket_id))["status"] != "COMPLETED"  # phones not told yet
        await Worker(database, push_context).run_until_idle()
        print(
            [
                (j.name, j.status, j.last_error)
                for s in ("queued", "dead", "done")
                for j in await jobs(database, s)
            ]
        )
        assert tokens(apns) == Counter(devices)
        assert {request.topic for request in apns.requests} == {DEV_PASS_TYPE_ID}
        assert {request.body for request in apns.requests} == {b"{}"}
        done = await ticket(api, ticket_id)
        assert (done["status"], done["done"], done["total"]) == ("COMPLETED", 1, 1)

    async def test_a_pass_no_device_holds_is_done_at_once(
        self, api: ApiClient, database: Database, apns: ApnsStandIn
    ) -> None:
        pass_id, _ = await a_pass(api)
        response = await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        assert (await ticket(api, response.json()["ticketId"]))["status"] == "COMPLETED"
        assert await jobs(database, "queued") == []

    async def test_an_ended_registration_is_not_pushed(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        pass_id, _ = await a_pass(api)
        kept, ended = await hold(database, [pass_id, pass_id])
        async with database.transaction() as session:
            await session.execute(
                update(Registration)
                .where(
                    Registration.device_id
                    == select(Device.id).where(Device.push_token == ended).scalar_subquery()
                )
                .values(ended_at=utcnow())
            )
        await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        await Worker(database, push_context).run_until_idle()
        assert tokens(apns) == Counter([kept])


class TestGoogleWalletSaves:
    """A Google Wallet save is a registration without a device: APNs never tries to push it."""

    @staticmethod
    async def saved_in_google_wallet(database: Database, pass_id: int) -> None:
        async with database.transaction() as session:
            await session.execute(
                insert(Registration).values(
                    id=uuid.uuid4(), pass_id=pass_id, device_id=None, pass_type_identifier="3388.t1",
                    wallet="google_wallet", device_os="android",
                )
            )  # fmt: skip

    async def test_a_pass_only_google_wallet_holds_is_done_at_once(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        pass_id, template_id = await a_pass(api)
        await self.saved_in_google_wallet(database, pass_id)
        response = await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        assert (await ticket(api, response.json()["ticketId"]))["status"] == "COMPLETED"
        await api.put(f"/v1/template/{template_id}", json=apple_template(name="Renamed"))
        assert await jobs(database, "queued") == []
        await Worker(database, push_context).run_until_idle()
        assert apns.requests == []

    async def test_only_the_devices_holding_a_pass_are_pushed(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        pass_id, _ = await a_pass(api)
        await self.saved_in_google_wallet(database, pass_id)
        devices = await hold(database, [pass_id])
        response = await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        await Worker(database, push_context).run_until_idle()
        assert tokens(apns) == Counter(devices)
        assert await jobs(database, "dead") == []
        assert (await ticket(api, response.json()["ticketId"]))["status"] == "COMPLETED"


class TestOutcomes:
    async def test_410_ends_the_registration_and_uninstalls_the_pass(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        pass_id, _ = await a_pass(api)
        (gone,) = await hold(database, [pass_id])
        apns.respond(gone, 410, "Unregistered")

        await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        await Worker(database, push_context).run_until_idle()

        async with database.transaction() as session:
            registration = await session.scalar(select(Registration).where(Registration.pass_id == pass_id))
            pass_ = await session.get(Pass, pass_id)
        assert registration is not None and registration.ended_at is not None
        assert pass_ is not None and pass_.uninstalled_at is not None
        await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        await Worker(database, push_context).run_until_idle()
        assert tokens(apns) == Counter([gone])  # never pushed again

    async def test_bad_device_token_ends_the_registration_too(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        pass_id, _ = await a_pass(api)
        (bad,) = await hold(database, [pass_id])
        apns.respond(bad, 400, "BadDeviceToken")
        await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        await Worker(database, push_context).run_until_idle()
        async with database.transaction() as session:
            ended = await session.scalar(select(Registration.ended_at).where(Registration.pass_id == pass_id))
        assert ended is not None

    async def test_429_is_tried_again_later_for_that_device_only(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        pass_id, _ = await a_pass(api)
        busy, fine = await hold(database, [pass_id, pass_id])
        apns.respond(busy, 429, "TooManyRequests", times=1)

        await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        await Worker(database, push_context).run_until_idle()
        assert tokens(apns) == Counter([busy, fine])
        (retry,) = await jobs(database, "queued")
        assert retry.run_at > utcnow()  # backs off

        async with database.transaction() as session:
            await session.execute(update(Job).where(Job.id == retry.id).values(run_at=utcnow()))
        await Worker(database, push_context).run_until_idle()
        assert tokens(apns) == Counter({busy: 2, fine: 1})
        assert [request.token for request in apns.requests][-1] == busy
        ids = {request.token: request.headers["apns-id"] for request in apns.requests[:2]}
        assert apns.requests[-1].headers["apns-id"] == ids[busy] != ids[fine]  # the same push, again
        assert await jobs(database, "queued") == [] and await jobs(database, "dead") == []

    async def test_5xx_is_tried_again_too(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        pass_id, _ = await a_pass(api)
        (device,) = await hold(database, [pass_id])
        apns.respond(device, 503, "ServiceUnavailable", times=1)
        await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        await Worker(database, push_context).run_until_idle()
        (retry,) = await jobs(database, "queued")
        assert retry.payload["attempt"] == 1

    async def test_other_4xx_is_kept_as_a_dead_job_naming_the_reason(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        pass_id, _ = await a_pass(api)
        (device,) = await hold(database, [pass_id])
        apns.respond(device, 403, "BadCertificate", times=1)
        await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        await Worker(database, push_context).run_until_idle()

        (dead,) = await jobs(database, "dead")
        assert dead.name == "pushes.send" and "403 BadCertificate (1 devices)" in (dead.last_error or "")
        async with database.transaction() as session:  # as `passmint jobs retry` does
            await session.execute(
                update(Job).where(Job.id == dead.id).values(status="queued", run_at=utcnow())
            )
        await Worker(database, push_context).run_until_idle()
        assert tokens(apns) == Counter({device: 2})

    async def test_a_device_tried_too_often_is_buried(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        pass_id, _ = await a_pass(api)
        (device,) = await hold(database, [pass_id])
        apns.respond(device, 429, "TooManyRequests")
        await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        for _ in range(10):
            async with database.transaction() as session:
                await session.execute(
                    update(Job).where(Job.status == "queued").values(run_at=utcnow() - timedelta(seconds=1))
                )
            await Worker(database, push_context).run_until_idle()
        (dead,) = await jobs(database, "dead")
        assert "still refused after 8 attempts: 429 TooManyRequests" in (dead.last_error or "")
        assert tokens(apns) == Counter({device: 8})

    async def test_the_development_certificate_is_not_sent_to_apple(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, job_context: JobContext
    ) -> None:
        pass_id, _ = await a_pass(api)
        await hold(database, [pass_id])
        await api.put(f"/v1/pass/{pass_id}", json=UPDATE)
        await Worker(database, job_context).run_until_idle()  # the default settings: Apple's host
        (dead,) = await jobs(database, "dead")
        assert "DevelopmentCertificate" in (dead.last_error or "")


class TestOtherChanges:
    async def test_a_template_update_pushes_every_held_pass_of_the_template(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        pass_id, template_id = await a_pass(api)
        second = (await create_pass(api, template_id))["id"]
        unheld = (await create_pass(api, template_id))["id"]
        devices = await hold(database, [pass_id, second])
        other_pass, _ = await a_pass(api)
        await hold(database, [other_pass])

        response = await api.put(f"/v1/template/{template_id}", json=apple_template(name="Renamed"))
        assert response.status_code == 200, response.text
        await Worker(database, push_context).run_until_idle()
        assert tokens(apns) == Counter(devices)  # not the other template's device; none for `unheld`
        async with database.transaction() as session:
            assert (await session.get(Pass, unheld)) is not None

    async def test_a_bulk_update_completes_its_ticket_once_every_pass_is_pushed(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        pass_id, template_id = await a_pass(api)
        others = [(await create_pass(api, template_id))["id"] for _ in range(3)]
        devices = await hold(database, [pass_id, others[0]])

        response = await api.put(f"/v1/template/{template_id}/passes", json=UPDATE)
        ticket_id = response.json()["ticketId"]
        await Worker(database, push_context).run_until_idle()
        assert tokens(apns) == Counter(devices)
        done = await ticket(api, ticket_id)
        assert (done["status"], done["done"], done["total"]) == ("COMPLETED", 4, 4)
