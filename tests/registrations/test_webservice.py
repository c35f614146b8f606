"""Apple's web service under /apple/v1, driven by a scripted phone."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from datetime import timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from passmint import changes
from passmint.apple import PassSigner, make_dev_certificates
from passmint.callbacks import service as callbacks_service
from passmint.db import Database
from passmint.kit.time import utcnow
from passmint.models import Device, DeviceLog, Job, Pass, Registration
from passmint.registrations import device_logs
from passmint.registrations.webservice import Guards
from passmint.wallets import apple as wallets_apple
from tests.callbacks import set_callback
from tests.conftest import AddressedClient, ApiClient
from tests.factories import create_pass, create_project, create_template
from tests.support.clock import AheadClock
from tests.support.statements import handoffs, statements

PASS_TYPE = "pass.dev.passmint"
IPHONE = "PassKit/1.0 CFNetwork/1494.0.7 Darwin/23.4.0"


class Phone:
    """A device speaking Apple's protocol for one pass."""

    def __init__(
        self, client: httpx.AsyncClient, device: str, pass_: dict[str, Any], token: str, **headers: str
    ) -> None:
        self.client, self.device, self.pass_, self.token = client, device, pass_, token
        self.headers = {"User-Agent": IPHONE} | headers

    @property
    def registration(self) -> str:
        return f"/apple/v1/devices/{self.device}/registrations/{PASS_TYPE}/{self.pass_['serialNumber']}"

    def auth(self, token: str | None = None, scheme: str = "ApplePass") -> dict[str, str]:
        return self.headers | {"Authorization": f"{scheme} {token or self.token}"}

    async def register(self, token: str | None = None, **headers: str) -> httpx.Response:
        return await self.client.post(self.registration, json={"pushToken": f"push-{self.device}"},
                                      headers=self.auth(token) | headers)  # fmt: skip

    async def unregister(self) -> httpx.Response:
        return await self.client.delete(self.registration, headers=self.auth())

    async def updated(self, tag: str | None = None) -> httpx.Response:
        params = {} if tag is None else {"passesUpdatedSince": tag}
        return await self.client.get(
            f"/apple/v1/devices/{self.device}/registrations/{PASS_TYPE}", params=params
        )

    async def latest(self, since: str | None = None) -> httpx.Response:
        headers = self.auth() | ({"If-Modified-Since": since} if since else {})
        return await self.client.get(
            f"/apple/v1/passes/{PASS_TYPE}/{self.pass_['serialNumber']}", headers=headers
        )


@pytest.fixture
async def issued(api: ApiClient, anonymous: httpx.AsyncClient) -> tuple[dict[str, Any], str]:
    """A pass and its authentication token (read from its pass.json, as a phone would)."""
    project = await create_project(api)
    pass_ = await create_pass(api, await create_template(api, project["id"]))
    document = (await api.get(f"/v1/pass/{pass_['id']}/viewJSONPass")).json()
    return pass_, document["authenticationToken"]


@pytest.fixture
def phone(anonymous: httpx.AsyncClient, issued: tuple[dict[str, Any], str]) -> Phone:
    return Phone(anonymous, "device-1", *issued)


async def registrations(api: ApiClient, project_id: int, **params: Any) -> list[dict[str, Any]]:
    response = await api.get(f"/v2/store_cards/{project_id}/registrations", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_the_whole_conversation(api: ApiClient, phone: Phone, utc_clock: AheadClock) -> None:
    project_id = (await api.get(f"/v1/template/{phone.pass_['templateId']}")).json()["templateHeader"][
        "projectId"
    ]
    assert (await phone.register()).status_code == 201
    assert (await phone.register()).status_code == 200
    assert (await phone.register(token="x" * 32)).status_code == 401

    listed = await phone.updated()
    assert listed.status_code == 200
    assert listed.json()["serialNumbers"] == [phone.pass_["serialNumber"]]
    tag = listed.json()["lastUpdated"]
    assert isinstance(tag, str)
    assert (await phone.updated(tag)).status_code == 204

    await api.put(f"/v1/pass/{phone.pass_['id']}", json={"fields": {"Coupon": {"value": "55%"}}})
    changed = await phone.updated(tag)
    assert changed.json()["serialNumbers"] == [phone.pass_["serialNumber"]]
    assert changed.json()["lastUpdated"] != tag

    utc_clock.advance(1)  # a phone fetches after the push arrives; within the same second it just downloads
    fetched = await phone.latest()
    assert fetched.status_code == 200 and fetched.headers["content-type"] == "application/vnd.apple.pkpass"
    document = json.loads(zipfile.ZipFile(io.BytesIO(fetched.content)).read("pass.json"))
    assert document["storeCard"]["primaryFields"][0]["value"] == "55%"
    assert (await phone.latest(since=fetched.headers["last-modified"])).status_code == 304

    logged = await phone.client.post(
        "/apple/v1/log", json={"logs": [f"Get pass task for serial {phone.pass_['serialNumber']} failed"]}
    )
    assert logged.status_code == 200
    logs = (await api.get(f"/v1/pass/{phone.pass_['id']}/logs")).json()["logs"]
    assert logs[0]["message"].startswith("Get pass task")

    active = await registrations(api, project_id)
    assert [(r["pass_id"], r["wallet"], r["device_os"]) for r in active] == [
        (str(phone.pass_["id"]), "passbook", "ios")
    ]
    assert (await phone.unregister()).status_code == 200
    assert await registrations(api, project_id) == []
    ended = await registrations(api, project_id, showEnded="true")
    assert len(ended) == 1 and ended[0]["ended_at"] is not None
    assert (await api.get(f"/v1/pass/{phone.pass_['id']}")).json()["status"] == "uninstalled"


class TestAuthorization:
    async def test_missing_or_foreign_scheme(self, phone: Phone) -> None:
        response = await phone.client.post(
            phone.registration, json={"pushToken": "p"}, headers={"Authorization": f"Basic {phone.token}"}
        )
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("ApplePass")
        assert (await phone.client.post(phone.registration, json={"pushToken": "p"})).status_code == 401

    async def test_unknown_serial(self, anonymous: httpx.AsyncClient, phone: Phone) -> None:
        stranger = Phone(
            anonymous,
            "device-2",
            phone.pass_ | {"serialNumber": "00000000-0000-0000-0000-000000000000"},
            phone.token,
        )
        assert (await stranger.register()).status_code == 401
        assert (await stranger.latest()).status_code == 401

    async def test_latest_needs_the_token(self, phone: Phone) -> None:
        response = await phone.client.get(f"/apple/v1/passes/{PASS_TYPE}/{phone.pass_['serialNumber']}")
        assert response.status_code == 401

    async def test_push_token_is_required(self, phone: Phone) -> None:
        response = await phone.client.post(phone.registration, json={}, headers=phone.auth())
        assert response.status_code == 400 and response.json()["details"][0]["field"] == "pushToken"


class TestWalletApps:
    @pytest.mark.parametrize(
        ("headers", "scheme", "wallet", "device_os"),
        [
            ({"User-Agent": "WalletPasses/2.1 (Android 14)"}, "AndroidPass", "wallet_passes", "android"),
            ({"User-Agent": "okhttp/4.9", "X-Pass-Client": "Passes"}, "ApplePass", "pass2u", "android"),
            ({"User-Agent": "PassWallet/8.3 Android"}, "ApplePass", "passwallet", "android"),
            (
                {"User-Agent": "Passworks/1.0", "X-Pass-Client": "Passworks"},
                "ApplePass",
                "passworks_wallet",
                "android",
            ),
            ({"User-Agent": IPHONE}, "ApplePass", "passbook", "ios"),
        ],
    )
    async def test_recognised_from_the_request(
        self, api: ApiClient, phone: Phone, headers: dict[str, str], scheme: str, wallet: str, device_os: str
    ) -> None:
        authorization = {"Authorization": f"{scheme} {phone.token}"}
        response = await phone.client.post(
            phone.registration, json={"pushToken": "p"}, headers=headers | authorization
        )
        assert response.status_code == 201
        template = (await api.get(f"/v1/template/{phone.pass_['templateId']}")).json()["templateHeader"]
        found = await registrations(api, template["projectId"])
        assert [(r["wallet"], r["device_os"]) for r in found] == [(wallet, device_os)]


class TestUpdatedSince:
    async def test_a_change_in_the_same_second_is_not_missed(self, api: ApiClient, phone: Phone) -> None:
        await phone.register()
        tag = (await phone.updated()).json()["lastUpdated"]
        await api.put(f"/v1/pass/{phone.pass_['id']}", json={"fields": {"Coupon": {"value": "1%"}}})
        assert (await phone.updated(tag)).json()["serialNumbers"] == [phone.pass_["serialNumber"]]

    async def test_a_change_committed_while_the_answer_is_computed_is_not_missed(
        self, phone: Phone, database: Database
    ) -> None:
        await phone.register()
        tag = (await phone.updated()).json()["lastUpdated"]
        async with database.transaction() as session:
            pass_ = await session.get(Pass, phone.pass_["id"])
            assert pass_ is not None
            pass_.values = {**pass_.values, "fields": {"Coupon": {"value": "2%"}}}
            changes.mark_passes(session, [pass_.id])
            await session.flush()
            during = await phone.updated(tag)  # another request answers before this change commits
        assert during.status_code == 204
        after = await phone.updated(tag)
        assert after.json()["serialNumbers"] == [phone.pass_["serialNumber"]]

    async def test_template_changes_reach_registered_devices(self, api: ApiClient, phone: Phone) -> None:
        await phone.register()
        tag = (await phone.updated()).json()["lastUpdated"]
        await api.patch(
            f"/v1/templates/{phone.pass_['templateId']}", json={"headers": {"logo_text": {"value": "New"}}}
        )
        assert (await phone.updated(tag)).json()["serialNumbers"] == [phone.pass_["serialNumber"]]

    async def test_unknown_device_or_foreign_tag(self, phone: Phone) -> None:
        assert (await phone.updated()).status_code == 204  # not registered yet
        await phone.register()
        assert (await phone.updated("not-our-tag")).json()["serialNumbers"] == [phone.pass_["serialNumber"]]

    async def test_only_this_devices_passes(
        self, api: ApiClient, anonymous: httpx.AsyncClient, phone: Phone
    ) -> None:
        await phone.register()
        other = Phone(anonymous, "device-2", phone.pass_, phone.token)
        assert (await other.updated()).status_code == 204


class TestInstallState:
    async def test_second_device_keeps_the_pass_installed(
        self, api: ApiClient, anonymous: httpx.AsyncClient, phone: Phone
    ) -> None:
        other = Phone(anonymous, "device-2", phone.pass_, phone.token)
        await phone.register()
        await other.register()
        await phone.unregister()
        assert (await api.get(f"/v1/pass/{phone.pass_['id']}")).json()["status"] == "installed"
        await other.unregister()
        assert (await api.get(f"/v1/pass/{phone.pass_['id']}")).json()["status"] == "uninstalled"
        await phone.register()
        fetched = (await api.get(f"/v1/pass/{phone.pass_['id']}")).json()
        assert fetched["status"] == "installed" and "uninstalledAt" not in fetched

    async def test_unregistering_twice_is_fine(self, phone: Phone) -> None:
        await phone.register()
        assert (await phone.unregister()).status_code == 200
        assert (await phone.unregister()).status_code == 200


async def test_last_modified_of_a_fresh_pass_never_hides_a_later_change(api: ApiClient, phone: Phone) -> None:
    first = await phone.latest()
    await api.put(f"/v1/pass/{phone.pass_['id']}", json={"fields": {"Coupon": {"value": "9%"}}})
    again = await phone.latest(since=first.headers["last-modified"])
    assert again.status_code == 200
    assert parsedate_to_datetime(again.headers["last-modified"]) >= parsedate_to_datetime(
        first.headers["last-modified"]
    )


async def test_a_template_change_is_a_change_of_its_passes(
    api: ApiClient, phone: Phone, utc_clock: AheadClock
) -> None:
    await phone.register()
    utc_clock.advance(1)  # HTTP dates have whole seconds
    first = await phone.latest()
    tag = (await phone.updated()).json()["lastUpdated"]
    assert (await phone.latest(since=first.headers["last-modified"])).status_code == 304
    utc_clock.advance(1)  # HTTP dates have whole seconds
    template_id = phone.pass_["templateId"]
    await api.patch(f"/v1/templates/{template_id}", json={"headers": {"logo_text": {"value": "Autumn"}}})

    assert (await phone.updated(tag)).json()["serialNumbers"] == [phone.pass_["serialNumber"]]
    again = await phone.latest(since=first.headers["last-modified"])
    assert again.status_code == 200
    assert json.loads(zipfile.ZipFile(io.BytesIO(again.content)).read("pass.json"))["logoText"] == "Autumn"


async def stored_logs(database: Database) -> list[str]:
    async with database.transaction() as session:
        return list(await session.scalars(select(DeviceLog.message).order_by(DeviceLog.id)))


class TestLog:
    async def test_answers_an_empty_json_object(
        self, from_address: AddressedClient, database: Database
    ) -> None:
        response = await from_address("192.0.2.1").post("/apple/v1/log", json={"logs": ["one", "two"]})

        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json" and response.json() == {}
        assert await stored_logs(database) == ["one", "two"]

    @pytest.mark.parametrize(
        ("logs", "field"),
        [
            (["x"] * 101, "logs"),
            (["ok", "x" * 4001], "logs.1"),
            (["nul \x00 byte"], "logs"),  # the message names the entry: "[0]: must not contain ..."
            ("text", "logs"),
        ],
    )
    async def test_bounded_entries(
        self, from_address: AddressedClient, database: Database, logs: Any, field: str
    ) -> None:
        response = await from_address("192.0.2.2").post("/apple/v1/log", json={"logs": logs})

        assert response.status_code == 400 and response.json()["details"][0]["field"] == field
        assert await stored_logs(database) == []

    @pytest.mark.usefixtures("still_clock")
    async def test_entries_from_one_address_are_limited(
        self, from_address: AddressedClient, database: Database
    ) -> None:
        client = from_address("192.0.2.3")
        assert (await client.post("/apple/v1/log", json={"logs": ["x"] * 60})).status_code == 200
        assert (await client.post("/apple/v1/log", json={"logs": ["x"] * 40})).status_code == 200

        refused = await client.post("/apple/v1/log", json={"logs": ["x"]})
        other = await from_address("192.0.2.4").post("/apple/v1/log", json={"logs": ["y"]})

        assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
        assert refused.json()["error_code"] == "too_many_requests"
        assert other.status_code == 200
        assert len(await stored_logs(database)) == 101

    async def test_old_entries_are_deleted(
        self, app: Any, from_address: AddressedClient, database: Database, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(app.state, "apple_guards", Guards(timedelta(days=7)), raising=False)
        async with database.transaction() as session:
            session.add_all(
                [
                    DeviceLog(message="old", created_at=utcnow() - timedelta(days=8)),
                    DeviceLog(message="recent", created_at=utcnow() - timedelta(days=6)),
                ]
            )

        await from_address("192.0.2.5").post("/apple/v1/log", json={"logs": ["new"]})

        assert await stored_logs(database) == ["recent", "new"]


class TestPruner:
    async def test_at_most_once_an_interval_unless_a_backlog_remains(self, database: Database) -> None:
        clock = [100.0]
        pruner = device_logs.Pruner(timedelta(days=1), interval=60, batch=2, clock=lambda: clock[0])
        async with database.transaction() as session:
            session.add_all(
                [DeviceLog(message=str(n), created_at=utcnow() - timedelta(days=2)) for n in range(3)]
            )

        async with database.transaction() as session:
            assert await pruner.prune(session) == 2  # a full batch: more may be left
            assert await pruner.prune(session) == 1
            assert await pruner.prune(session) == 0  # within the interval: not even looked at
            session.add(DeviceLog(message="late", created_at=utcnow() - timedelta(days=2)))
            await session.flush()
            assert await pruner.prune(session) == 0
            clock[0] += 60
            assert await pruner.prune(session) == 1


class TestPassType:
    async def test_a_pass_type_that_is_not_the_passs_is_refused(self, api: ApiClient, phone: Phone) -> None:
        foreign_path = phone.registration.replace(PASS_TYPE, "pass.com.other")

        assert (
            await phone.client.post(foreign_path, json={"pushToken": "p"}, headers=phone.auth())
        ).status_code == 401
        assert (await phone.register()).status_code == 201
        assert (await phone.client.delete(foreign_path, headers=phone.auth())).status_code == 401
        latest = f"/apple/v1/passes/pass.com.other/{phone.pass_['serialNumber']}"
        assert (await phone.client.get(latest, headers=phone.auth())).status_code == 401
        assert (await phone.latest()).status_code == 200
        assert (await api.get(f"/v1/pass/{phone.pass_['id']}")).json()["status"] == "installed"

    async def test_a_device_keeps_the_type_it_registered_with(
        self, api: ApiClient, phone: Phone, renamed_certificate: str
    ) -> None:
        await phone.register()
        body = {"certificate": renamed_certificate, "password": "p12-secret"}
        assert (await api.post("/v1/certificates", json=body)).status_code == 201  # now the account's default
        document = (await api.get(f"/v1/pass/{phone.pass_['id']}/viewJSONPass")).json()
        assert document["passTypeIdentifier"] == "pass.com.example.renamed"

        assert (await phone.latest()).status_code == 200  # the type this device holds the pass under
        assert (await phone.unregister()).status_code == 200
        assert (await api.get(f"/v1/pass/{phone.pass_['id']}")).json()["status"] == "uninstalled"
        assert (await phone.register()).status_code == 401  # no device holds it under that type any more


@pytest.fixture(scope="session")
def renamed_certificate() -> str:
    made = make_dev_certificates("pass.com.example.renamed", "TEAM000001", p12_password=b"p12-secret")
    return base64.b64encode(made.p12).decode()


@pytest.mark.parametrize("tag", ["²", "9" * 19, "-1", "1e3", " 1"])
async def test_a_tag_this_server_did_not_issue_reads_as_the_beginning(phone: Phone, tag: str) -> None:
    await phone.register()
    response = await phone.updated(tag)
    assert response.status_code == 200 and response.json()["serialNumbers"] == [phone.pass_["serialNumber"]]


async def test_not_modified_builds_nothing(
    phone: Phone, monkeypatch: pytest.MonkeyPatch, utc_clock: AheadClock
) -> None:
    """A 304 loads no signer and signs nothing; a phone fetching an unchanged pass again is not signed
    for again either."""
    utc_clock.advance(1)  # Last-Modified is never a time to come: the pass's second must be over
    fetched = await phone.latest()
    assert fetched.status_code == 200
    loaded: list[object] = []
    project_signer = wallets_apple.project_signer

    async def counted(*args: Any) -> PassSigner:
        loaded.append(args)
        return await project_signer(*args)

    monkeypatch.setattr(wallets_apple, "project_signer", counted)
    monkeypatch.setattr(PassSigner, "sign", lambda *args: pytest.fail("signed again"))
    assert (await phone.latest(since=fetched.headers["last-modified"])).status_code == 304
    assert loaded == []
    again = await phone.latest()
    assert again.status_code == 200 and again.content == fetched.content


async def test_latest_pass_statements(phone: Phone, database: Database) -> None:
    """A pass unchanged since it was last signed: one statement, the pass by its serial number with the
    versions of all its signed file is made from (and its certificate's pass type, for the type check);
    the signed bytes come from the cache. A point lookup: no hand-off to SQLite's thread."""
    assert (await phone.latest()).status_code == 200
    with statements(database) as sent, handoffs() as trips:
        response = await phone.latest()
    assert response.status_code == 200
    assert len(sent) == 1, "\n\n".join(sent)
    assert trips == []


async def test_not_modified_statements(phone: Phone, database: Database, utc_clock: AheadClock) -> None:
    """A 304 is the pass's one lookup."""
    utc_clock.advance(1)
    fetched = await phone.latest()
    with statements(database) as sent:
        response = await phone.latest(since=fetched.headers["last-modified"])
    assert response.status_code == 304
    assert len(sent) == 1, "\n\n".join(sent)


async def test_registering_again_gives_the_device_its_new_push_token(
    phone: Phone, database: Database
) -> None:
    """A known registration answers 200, and its device keeps the push token sent last."""
    assert (await phone.register()).status_code == 201
    again = await phone.client.post(phone.registration, json={"pushToken": "renewed"}, headers=phone.auth())
    assert again.status_code == 200
    async with database.transaction() as session:
        devices = (await session.scalars(select(Device))).all()
        registered = await session.scalar(select(func.count()).select_from(Registration))
    assert [(device.device_library_identifier, device.push_token) for device in devices] == [
        (phone.device, "renewed")
    ]
    assert registered == 1


async def test_a_new_registration_queues_the_install_callback(
    api: ApiClient, phone: Phone, database: Database
) -> None:
    """With a callback spec on the pass's project, a new registration queues one install callback (its
    body the pass as installed, ``updatedAt`` included) in one more statement; a repeat queues none."""
    template = (await api.get(f"/v1/template/{phone.pass_['templateId']}")).json()
    project_id = template["templateHeader"]["projectId"]
    await set_callback(api, project_id, "https://hooks.example.com")
    with statements(database) as sent:
        assert (await phone.register()).status_code == 201
    assert len(sent) == (6 if database.url.get_backend_name() == "postgresql" else 7), "\n\n".join(sent)
    assert (await phone.register()).status_code == 200
    async with database.transaction() as session:
        jobs = (await session.scalars(select(Job).where(Job.name == callbacks_service.DELIVER))).all()
    [job] = jobs
    read = (await api.get(f"/v1/pass/{phone.pass_['id']}")).json()
    assert read["status"] == "installed"
    assert (job.payload["project_id"], job.payload["path"]) == (project_id, "/v1/pass/install")
    assert json.loads(job.payload["body"]) == {
        "passId": phone.pass_["id"],
        "templateId": phone.pass_["templateId"],
        "serialNumber": read["serialNumber"],
        "createdAt": read["createdAt"],
        "updatedAt": read["updatedAt"],
        "platform": "ios",
    }


async def test_register_statements(phone: Phone, database: Database) -> None:
    """Registering again: the pass with its certificate's pass type and callback spec, locked (on
    PostgreSQL) in the same statement (a point lookup: no hand-off to SQLite's thread), then the device
    and the registration (already there): one statement on PostgreSQL, two on SQLite (no writes in a CTE
    there)."""
    assert (await phone.register()).status_code == 201
    with statements(database) as sent, handoffs() as trips:
        response = await phone.register()
    assert response.status_code == 200
    assert len(sent) == (2 if database.url.get_backend_name() == "postgresql" else 3), "\n\n".join(sent)
    assert trips == []


async def test_new_register_statements(phone: Phone, database: Database) -> None:
    """A new registration: the pass (locked, with its callback spec), the device and the registration
    (one statement on PostgreSQL), the pass marked installed, the day's install and the template's
    installed passes counted; the callback spec is not looked up again."""
    with statements(database) as sent:
        response = await phone.register()
    assert response.status_code == 201
    assert len(sent) == (5 if database.url.get_backend_name() == "postgresql" else 6), "\n\n".join(sent)


async def test_updatable_statements(phone: Phone, database: Database) -> None:
    """The device's changed passes and the change clock's value: one statement, a point lookup (the
    device's registrations of one pass type, by their index): no hand-off to SQLite's thread."""
    await phone.register()
    with statements(database) as sent, handoffs() as trips:
        response = await phone.updated()
    assert response.status_code == 200
    assert len(sent) == 1, "\n\n".join(sent)
    assert trips == []
