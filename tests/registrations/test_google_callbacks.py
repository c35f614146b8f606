"""Google Wallet's save and delete callbacks at POST /google/v1/callbacks, signed by a stand-in Google."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from passmint.callbacks import service as callbacks_service
from passmint.db import Database
from passmint.google import ids
from passmint.google.credentials import DEVELOPMENT_ISSUER_ID
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.models import GoogleCallbackNonce, Job, Registration
from passmint.registrations.google_keys import REFETCH_AFTER, RootKeys
from tests.callbacks import Receiver, set_callback
from tests.conftest import ApiClient
from tests.factories import GOOGLE_TEMPLATE, create_pass, create_project, create_template
from tests.support.google_callbacks import GoogleCallbackSender, now_ms
from tests.support.servers import free_port

PATH = "/google/v1/callbacks"
ISSUER = DEVELOPMENT_ISSUER_ID


@dataclass(frozen=True)
class GooglePass:
    project_id: int
    template_id: int
    pass_id: int

    @property
    def class_id(self) -> str:
        return ids.class_id(ISSUER, self.template_id)

    @property
    def object_id(self) -> str:
        return ids.object_id(ISSUER, self.pass_id)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def google(app: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[GoogleCallbackSender]:
    """Google, serving its root keys on 127.0.0.1; the app fetches them from there (with a fresh cache)."""
    sender = GoogleCallbackSender()
    with sender.serving():
        keys = RootKeys(sender.keys_url, clock=clock)
        monkeypatch.setattr(app.state, "google_root_keys", keys, raising=False)
        yield sender


@pytest.fixture
async def google_pass(api: ApiClient) -> GooglePass:
    project = await create_project(api, projectType="memberCard")
    template_id = await create_template(api, project["id"], GOOGLE_TEMPLATE)
    made = await create_pass(api, template_id)
    return GooglePass(project["id"], template_id, int(made["id"]))


async def send(
    client: httpx.AsyncClient,
    google: GoogleCallbackSender,
    held: GooglePass,
    event: str = "save",
    **options: Any,
) -> httpx.Response:
    return await client.post(PATH, json=google.callback(held.class_id, held.object_id, event, **options))


async def status(api: ApiClient, held: GooglePass) -> str:
    return str((await api.get(f"/v1/pass/{held.pass_id}")).json()["status"])


async def registrations(api: ApiClient, held: GooglePass, **params: str) -> list[dict[str, Any]]:
    path = f"/v2/store_cards/{held.project_id}/passes/{held.pass_id}/registrations"
    response = await api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def count(database: Database, model: type[Any]) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def deliveries(database: Database) -> list[Job]:
    async with database.transaction() as session:
        statement = select(Job).where(Job.name == callbacks_service.DELIVER).order_by(Job.id)
        return list((await session.scalars(statement)).all())


class TestSave:
    async def test_installs_the_pass_with_a_google_wallet_registration_and_calls_the_customer_back(
        self,
        api: ApiClient,
        anonymous: httpx.AsyncClient,
        database: Database,
        job_context: JobContext,
        google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:
        with Receiver() as receiver:
            await set_callback(api, google_pass.project_id, receiver.url("/hooks"))
            response = await send(anonymous, google, google_pass)
            assert (response.status_code, response.json()) == (200, {"result": "saved"})
            await Worker(database, job_context).run_until_idle()
        assert await status(api, google_pass) == "installed"
        [registration] = await registrations(api, google_pass)
        assert (registration["wallet"], registration["device_os"]) == ("google_wallet", "android")
        assert registration["pass_id"] == str(google_pass.pass_id) and registration["ended_at"] is None
        [request] = receiver.received
        assert request.path == "/hooks/v1/pass/install"
        body = request.json()
        assert (body["platform"], body["passId"]) == ("android", google_pass.pass_id)

    async def test_the_newer_sender_id_is_accepted(
        self, api: ApiClient, anonymous: httpx.AsyncClient, app: Any, google_pass: GooglePass, clock: Clock,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        google = GoogleCallbackSender(sender="GoogleWalletPasses")
        with google.serving():
            monkeypatch.setattr(
                app.state, "google_root_keys", RootKeys(google.keys_url, clock=clock), raising=False
            )
            response = await send(anonymous, google, google_pass)
        assert response.json() == {"result": "saved"}
        assert await status(api, google_pass) == "installed"

    async def test_each_save_is_a_registration_of_its_own(
        self,
        api: ApiClient,
        anonymous: httpx.AsyncClient,
        google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:
        for _ in range(2):
            assert (await send(anonymous, google, google_pass)).json() == {"result": "saved"}
        assert len(await registrations(api, google_pass)) == 2


class TestDelete:
    async def test_ends_the_registration_and_uninstalls_with_the_customers_callback(
        self,
        api: ApiClient,
        anonymous: httpx.AsyncClient,
        database: Database,
        job_context: JobContext,
        google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:
        with Receiver() as receiver:
            await set_callback(api, google_pass.project_id, receiver.url("/hooks"))
            await send(anonymous, google, google_pass, "save")
            response = await send(anonymous, google, google_pass, "del")
            assert (response.status_code, response.json()) == (200, {"result": "deleted"})
            await Worker(database, job_context).run_until_idle()
        assert await status(api, google_pass) == "uninstalled"
        assert await registrations(api, google_pass) == []
        [ended] = await registrations(api, google_pass, showEnded="true")
        assert ended["wallet"] == "google_wallet" and ended["ended_at"] is not None
        sent = {request.path: request.json() for request in receiver.received}  # delivered in either order
        assert set(sent) == {"/hooks/v1/pass/install", "/hooks/v1/pass/uninstall"}
        assert sent["/hooks/v1/pass/uninstall"]["platform"] == "android"

    async def test_a_pass_another_save_still_holds_stays_installed(
        self,
        api: ApiClient,
        anonymous: httpx.AsyncClient,
        google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:
        await send(anonymous, google, google_pass, "save")
        await send(anonymous, google, google_pass, "save")
        await send(anonymous, google, google_pass, "del")
        assert await status(api, google_pass) == "installed"
        assert len(await registrations(api, google_pass)) == 1
        await send(anonymous, google, google_pass, "del")
        assert await status(api, google_pass) == "uninstalled"

    async def test_a_delete_of_a_pass_google_wallet_does_not_hold_changes_nothing(
        self, api: ApiClient, anonymous: httpx.AsyncClient, database: Database, google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:  # fmt: skip
        response = await send(anonymous, google, google_pass, "del")
        assert (response.status_code, response.json()) == (200, {"result": "ignored"})
        assert await status(api, google_pass) != "uninstalled"
        assert await deliveries(database) == []


class TestRefused:
    async def assert_nothing_changed(self, api: ApiClient, database: Database, held: GooglePass) -> None:
        assert await registrations(api, held, showEnded="true") == []
        assert await status(api, held) not in ("installed", "uninstalled")
        assert await deliveries(database) == []
        assert await count(database, GoogleCallbackNonce) == 0

    async def test_a_forgery_answers_400_and_changes_nothing(
        self, api: ApiClient, anonymous: httpx.AsyncClient, database: Database, google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:  # fmt: skip
        forger = GoogleCallbackSender()  # signs with keys Google does not publish
        response = await send(anonymous, forger, google_pass)
        assert response.status_code == 400
        assert response.json()["error_code"] == "google_callback_refused"
        await self.assert_nothing_changed(api, database, google_pass)

    async def test_a_tampered_message_answers_400(
        self, api: ApiClient, anonymous: httpx.AsyncClient, database: Database, google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:  # fmt: skip
        body = google.callback(google_pass.class_id, google_pass.object_id, "del")
        body["signedMessage"] = body["signedMessage"].replace('"del"', '"save"')
        response = await anonymous.post(PATH, json=body)
        assert response.status_code == 400
        await self.assert_nothing_changed(api, database, google_pass)

    async def test_an_expired_intermediate_key_answers_400(
        self, api: ApiClient, anonymous: httpx.AsyncClient, database: Database, google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:  # fmt: skip
        google.key_expiration_ms = now_ms() - 1
        response = await send(anonymous, google, google_pass)
        assert response.status_code == 400 and "keyExpiration" in response.json()["error"]
        await self.assert_nothing_changed(api, database, google_pass)

    async def test_a_message_for_another_recipient_answers_400(
        self, api: ApiClient, anonymous: httpx.AsyncClient, database: Database, google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:  # fmt: skip
        response = await send(anonymous, google, google_pass, recipient="1234567890")
        assert response.status_code == 400
        await self.assert_nothing_changed(api, database, google_pass)

    async def test_an_expired_message_answers_400(
        self, api: ApiClient, anonymous: httpx.AsyncClient, database: Database, google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:  # fmt: skip
        response = await send(anonymous, google, google_pass, expires_ms=now_ms() - 1)
        assert response.status_code == 400 and "expTimeMillis" in response.json()["error"]
        await self.assert_nothing_changed(api, database, google_pass)

    @pytest.mark.parametrize(
        ("body", "named"),
        [
            ({}, "signature"),
            (
                {"signature": "x", "protocolVersion": "ECv2SigningOnly", "signedMessage": "{}"},
                "intermediateSigningKey",
            ),
            ([], None),
        ],
    )
    async def test_a_body_not_shaped_as_googles_answers_400_naming_the_field(
        self, anonymous: httpx.AsyncClient, database: Database, body: Any, named: str | None
    ) -> None:
        response = await anonymous.post(PATH, json=body)
        assert response.status_code == 400
        if named is not None:
            assert named in response.text

    async def test_a_body_over_the_cap_answers_413(
        self, anonymous: httpx.AsyncClient, database: Database
    ) -> None:
        response = await anonymous.post(PATH, content=b"{" + b" " * (128 * 1024) + b"}")
        assert response.status_code == 413


class TestReplayed:
    async def test_a_replay_changes_nothing(
        self, api: ApiClient, anonymous: httpx.AsyncClient, database: Database, google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:  # fmt: skip
        body = google.callback(google_pass.class_id, google_pass.object_id, "save")
        assert (await anonymous.post(PATH, json=body)).json() == {"result": "saved"}
        replayed = await anonymous.post(PATH, json=body)
        assert (replayed.status_code, replayed.json()) == (200, {"result": "replayed"})
        assert len(await registrations(api, google_pass)) == 1

    async def test_of_two_copies_arriving_at_once_one_counts(
        self,
        api: ApiClient,
        anonymous: httpx.AsyncClient,
        google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:
        body = google.callback(google_pass.class_id, google_pass.object_id, "save")
        answers = await asyncio.gather(*(anonymous.post(PATH, json=body) for _ in range(2)))
        assert sorted(answer.json()["result"] for answer in answers) == ["replayed", "saved"]
        assert len(await registrations(api, google_pass)) == 1

    async def test_a_replayed_delete_ends_no_second_save(
        self,
        api: ApiClient,
        anonymous: httpx.AsyncClient,
        google: GoogleCallbackSender,
        google_pass: GooglePass,
    ) -> None:
        await send(anonymous, google, google_pass, "save")
        await send(anonymous, google, google_pass, "save")
        delete = google.callback(google_pass.class_id, google_pass.object_id, "del")
        for _ in range(2):
            await anonymous.post(PATH, json=delete)
        assert len(await registrations(api, google_pass)) == 1
        assert await status(api, google_pass) == "installed"


class TestNotOurs:
    @pytest.mark.parametrize(
        "object_id",
        [
            f"{ISSUER}.someone-elses-object",  # not an id passmint makes
            f"{ISSUER}.p999999999",  # no such pass
            "1234567890.p{pass_id}",  # our pass's number, another issuer's object
        ],
    )
    async def test_is_acknowledged_and_changes_nothing(
        self, api: ApiClient, anonymous: httpx.AsyncClient, database: Database, google: GoogleCallbackSender,
        google_pass: GooglePass, object_id: str,
    ) -> None:  # fmt: skip
        object_id = object_id.format(pass_id=google_pass.pass_id)
        class_id = object_id.partition(".")[0] + ".t1"
        response = await anonymous.post(PATH, json=google.callback(class_id, object_id, "save"))
        assert (response.status_code, response.json()) == (200, {"result": "ignored"})
        assert await registrations(api, google_pass, showEnded="true") == []
        assert await deliveries(database) == []

    async def test_an_apple_pass_is_not_a_google_object(
        self, api: ApiClient, anonymous: httpx.AsyncClient, database: Database, google: GoogleCallbackSender
    ) -> None:
        project = await create_project(api)
        apple_pass = (await create_pass(api, await create_template(api, project["id"])))["id"]
        body = google.callback(ids.class_id(ISSUER, 1), ids.object_id(ISSUER, apple_pass), "save")
        assert (await anonymous.post(PATH, json=body)).json() == {"result": "ignored"}
        assert await count(database, Registration) == 0


class TestRootKeys:
    async def test_are_fetched_once_and_kept(
        self, anonymous: httpx.AsyncClient, google: GoogleCallbackSender, google_pass: GooglePass
    ) -> None:
        for event in ("save", "del", "save"):
            assert (await send(anonymous, google, google_pass, event)).status_code == 200
        assert google.fetches == 1

    async def test_are_fetched_again_after_their_time(
        self,
        anonymous: httpx.AsyncClient,
        google: GoogleCallbackSender,
        google_pass: GooglePass,
        clock: Clock,
    ) -> None:
        await send(anonymous, google, google_pass)
        clock.now += 3601
        await send(anonymous, google, google_pass)
        assert google.fetches == 2

    async def test_a_rotated_root_key_is_fetched_when_a_callback_needs_it(
        self, api: ApiClient, anonymous: httpx.AsyncClient, google: GoogleCallbackSender,
        google_pass: GooglePass, clock: Clock,
    ) -> None:  # fmt: skip
        await send(anonymous, google, google_pass)
        google.root = GoogleCallbackSender().root  # Google rotates its root key
        assert (await send(anonymous, google, google_pass)).status_code == 400  # kept keys just fetched
        clock.now += REFETCH_AFTER
        assert (await send(anonymous, google, google_pass)).json() == {"result": "saved"}
        assert google.fetches == 2
        assert len(await registrations(api, google_pass)) == 2

    async def test_unreachable_keys_answer_503_and_change_nothing(
        self, api: ApiClient, anonymous: httpx.AsyncClient, app: Any, google_pass: GooglePass,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        google = GoogleCallbackSender()
        keys = RootKeys(f"http://127.0.0.1:{free_port()}/keys")
        monkeypatch.setattr(app.state, "google_root_keys", keys, raising=False)
        response = await send(anonymous, google, google_pass)
        assert response.status_code == 503
        assert response.json()["error_code"] == "google_keys_unavailable"
        assert await registrations(api, google_pass, showEnded="true") == []
