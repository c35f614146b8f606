"""A repeat download of a signed pass (by id, by external id, behind its public link) is its one lookup
answered from the signed file kept under the pass's stamp, a 304 needs nothing more, and neither is ever
stale: a change to the pass, its template, its project, its places, its flight or its certificate
(renewed, or a new default) reaches the next download (issue 13, item 4)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from passmint.apple import PassSigner
from passmint.db import Database
from passmint.kit.lru import BytesLRU
from passmint.wallets import apple as wallets_apple
from tests.certificates.conftest import Upload
from tests.certificates.conftest import coupon_cert as coupon_cert
from tests.certificates.conftest import coupon_cert_renewed as coupon_cert_renewed
from tests.certificates.test_projects import signer_of
from tests.certificates.test_projects import upload as upload_certificate
from tests.factories import create_pass, create_template
from tests.journeys.conftest import document
from tests.links.test_multiple import boarding, boarding_body, field, issue, move_gate, pass_of, passenger
from tests.passes.conftest import Verify, pass_json
from tests.passes.test_signed_cache import signatures as signatures
from tests.support.clock import AheadClock, stand_still
from tests.support.statements import handoffs, statements


async def downloaded(api: httpx.AsyncClient, path: str) -> bytes:
    """The pass downloaded twice (the second from the signed file kept), as the same bytes."""
    first, again = await api.get(path), await api.get(path)
    assert first.status_code == again.status_code == 200, again.text
    assert again.content == first.content
    return again.content


def download_path(pass_: dict[str, Any]) -> str:
    return f"/v1/pass/{pass_['id']}/download"


@pytest.fixture
async def created(api: httpx.AsyncClient, template_id: int) -> dict[str, Any]:
    return await create_pass(api, template_id, {"fields": {"Coupon": {"value": "10%"}}})


ADDRESSES = {
    "id": lambda made, template: f"/v1/pass/{made['id']}/download",
    "external_id": lambda made, template: "/v1/pass/id/alice/download",
    "template_and_external_id": lambda made, template: f"/v1/pass/template/{template}/id/alice/download",
    "template_external_id": lambda made, template: "/v1/pass/template/id/card/id/alice/download",
}


@pytest.mark.parametrize("address", list(ADDRESSES))
async def test_a_repeat_download_is_one_statement(
    api: httpx.AsyncClient, template_id: int, database: Database, address: str,
    signatures: Callable[[], int], verify: Verify,
) -> None:  # fmt: skip
    """By id or by external id (alone, or with the template's id or external id), a pass unchanged since
    it was signed is its one lookup: no template, project, places, journey or certificate read. A point
    lookup (no hand-off to SQLite's thread) but by the external id alone, which no unique index holds."""
    made = (await api.post(f"/v1/pass/template/{template_id}/id/alice", json={})).json()
    path = ADDRESSES[address](made, template_id)
    first = await downloaded(api, path)
    with statements(database) as sent, handoffs() as trips:
        again = await api.get(path)
    assert again.status_code == 200 and again.content == first
    assert again.headers["content-disposition"] == f'attachment; filename="pass-{made["id"]}.pkpass"'
    assert len(sent) == 1, "\n\n".join(sent)
    assert len(trips) == (1 if database.is_sqlite and address == "external_id" else 0)
    assert signatures() == 1
    verify(again.content)


async def test_if_modified_since_is_answered_by_the_lookup(
    api: httpx.AsyncClient, utc_clock: AheadClock, created: dict[str, Any], database: Database,
    signatures: Callable[[], int],
) -> None:  # fmt: skip
    """A client sending back the ``Last-Modified`` it got is answered 304 by the one lookup, before
    anything is built; after a change of the pass it gets the new file."""
    path = download_path(created)
    await api.get(path)  # the API key is remembered now
    with statements(database) as sent:
        unchanged = await api.get(path, headers={"If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 GMT"})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert len(sent) == 1, "\n\n".join(sent)
    utc_clock.advance(1)  # HTTP dates have whole seconds
    first = await api.get(path)
    again = await api.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert again.status_code == 304 and again.headers["last-modified"] == first.headers["last-modified"]
    utc_clock.advance(1)
    await api.put(f"/v1/pass/{created['id']}", json={"fields": {"Coupon": {"value": "7%"}}})
    changed = await api.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert changed.status_code == 200 and changed.content != first.content
    assert signatures() == 2


async def test_a_repeat_public_link_download_is_one_statement(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, created: dict[str, Any], database: Database,
    signatures: Callable[[], int],
) -> None:  # fmt: skip
    """A phone opening the pass's public link gets the file kept for the download by id: the same stamp."""
    first = await downloaded(api, download_path(created))
    path = created["publicUrl"]["path"].removeprefix("http://localhost")
    with statements(database) as sent:
        response = await anonymous.get(path, params={"form": "pkpass"})
    assert response.status_code == 200 and response.content == first
    assert len(sent) == 1, "\n\n".join(sent)
    assert signatures() == 1
    assert (await anonymous.get(path + "x", params={"form": "pkpass"})).status_code == 404


async def test_another_process_serves_it_by_the_one_lookup(
    api: httpx.AsyncClient, created: dict[str, Any], database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that neither signed the pass nor knows its stamp reads the file another one kept under the
    stamp in the data dir's file cache, with its name and date: still the one statement, no signature."""
    stand_still(monkeypatch)  # both answers dated alike, however slowly the test runs
    first = await api.get(download_path(created))
    monkeypatch.setattr(wallets_apple, "_signed", BytesLRU())  # a second process: nothing in memory
    monkeypatch.setattr(wallets_apple, "_stamped", OrderedDict())
    monkeypatch.setattr(PassSigner, "sign", lambda *args: pytest.fail("signed again"))
    with statements(database) as sent:
        again = await api.get(download_path(created))
    assert again.status_code == 200 and again.content == first.content
    assert {name: again.headers[name] for name in ("content-disposition", "last-modified")} == {
        name: first.headers[name] for name in ("content-disposition", "last-modified")
    }
    assert len(sent) == 1, "\n\n".join(sent)


async def test_what_names_no_single_pass_is_refused_as_before(
    api: httpx.AsyncClient, template_id: int, second_template: int
) -> None:
    """An unknown pass, a deleted template, and an external id two templates' passes have answer as the
    full path does (404, 404, 409)."""
    await api.post(f"/v1/pass/template/{template_id}/id/alice", json={})
    await api.post(f"/v1/pass/template/{second_template}/id/alice", json={})
    assert (await api.get("/v1/pass/999999/download")).status_code == 404
    assert (await api.get("/v1/pass/id/nobody/download")).status_code == 404
    ambiguous = await api.get("/v1/pass/id/alice/download")
    assert ambiguous.status_code == 409, ambiguous.text
    assert (await api.get(f"/v1/pass/template/{second_template}/id/alice/download")).status_code == 200
    assert (await api.delete(f"/v1/template/{second_template}")).status_code == 200
    assert (await api.get(f"/v1/pass/template/{second_template}/id/alice/download")).status_code == 404


@pytest.fixture
async def second_template(api: httpx.AsyncClient, template_id: int) -> int:
    header = (await api.get(f"/v1/template/{template_id}")).json()["templateHeader"]
    return await create_template(api, header["projectId"])


# Each input of the signed file reaches the next download.


async def test_a_pass_change_reaches_the_next_download(
    api: httpx.AsyncClient, created: dict[str, Any], verify: Verify
) -> None:
    first = await downloaded(api, download_path(created))
    await api.put(f"/v1/pass/{created['id']}", json={"fields": {"Coupon": {"value": "7%"}}})
    second = await downloaded(api, download_path(created))
    assert second != first and pass_json(verify(second))["storeCard"]["primaryFields"][0]["value"] == "7%"


async def test_a_template_change_reaches_the_next_download(
    api: httpx.AsyncClient, created: dict[str, Any], template_id: int, verify: Verify
) -> None:
    await downloaded(api, download_path(created))
    patch = {"headers": {"logo_text": {"value": "New Logo"}}}
    assert (await api.patch(f"/v1/templates/{template_id}", json=patch)).status_code == 200
    assert pass_json(verify(await downloaded(api, download_path(created))))["logoText"] == "New Logo"


async def test_a_project_change_reaches_the_next_download(
    api: httpx.AsyncClient, created: dict[str, Any], template_id: int, verify: Verify
) -> None:
    await downloaded(api, download_path(created))
    project_id = (await api.get(f"/v1/template/{template_id}")).json()["templateHeader"]["projectId"]
    project = (await api.get(f"/v1/project/{project_id}")).json()
    body = {"name": "Renamed", "description": project["description"], "projectType": project["projectType"]}
    assert (await api.put(f"/v1/project/{project_id}", json=body)).status_code == 200
    assert pass_json(verify(await downloaded(api, download_path(created))))["organizationName"] == "Renamed"


@pytest.mark.parametrize("owner", ["template", "pass"])
async def test_a_place_reaches_the_next_download(
    api: httpx.AsyncClient, created: dict[str, Any], template_id: int, verify: Verify, owner: str
) -> None:
    await downloaded(api, download_path(created))
    place = [{"latitude": 45.5, "longitude": -122.6, "relevantText": "Near"}]
    path = (
        f"/v1/template/{template_id}/locations"
        if owner == "template"
        else f"/v1/pass/{created['id']}/locations"
    )
    added = await api.post(path, json={"locations": place})
    assert added.status_code == 200, added.text
    shown = pass_json(verify(await downloaded(api, download_path(created))))
    assert [item["relevantText"] for item in shown["locations"]] == ["Near"]


async def test_a_flight_change_reaches_the_next_download(api: httpx.AsyncClient) -> None:
    project_id, template_id = await boarding(api)
    links = await issue(api, project_id, boarding_body(template_id, [passenger("13A", "SMITH/JOE", "joe")]))
    path = download_path(await pass_of(api, links[0]))
    assert field(document(await downloaded(api, path)), "departureGate") == "25"
    await move_gate(api, project_id, "21")
    assert field(document(await downloaded(api, path)), "departureGate") == "21"


async def test_a_new_default_then_a_renewed_certificate_reaches_the_next_download(
    api: httpx.AsyncClient, created: dict[str, Any], coupon_cert: Upload, coupon_cert_renewed: Upload
) -> None:
    """Signed by the development certificate until the account has one of its own, then by the renewed
    one."""
    first = await downloaded(api, download_path(created))
    await upload_certificate(api, coupon_cert)
    second = await downloaded(api, download_path(created))
    assert signer_of(first).subject != signer_of(second).subject
    body = {"certificate": coupon_cert_renewed.certificate, "password": coupon_cert_renewed.password}
    assert (await api.post("/v1/certificates", json=body)).status_code == 200  # the same identity: renewed
    third = await downloaded(api, download_path(created))
    assert signer_of(third).not_valid_after_utc == coupon_cert_renewed.not_valid_after
