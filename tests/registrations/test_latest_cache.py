"""A device's latest pass is served by its one lookup from the signed passes kept, and never stale: a change
to the pass, its template, its places, its project or its certificate reaches the next fetch."""

from __future__ import annotations

import io
import json
import zipfile
from collections import OrderedDict
from typing import Any

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
from tests.conftest import ApiClient
from tests.registrations.test_webservice import Phone
from tests.registrations.test_webservice import issued as issued
from tests.registrations.test_webservice import phone as phone
from tests.support.statements import statements


def shown(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("pass.json"))  # type: ignore[no-any-return]


async def fetched(phone: Phone) -> bytes:
    """The pass as the phone fetches it, twice (the second from the signed passes kept)."""
    first = await phone.latest()
    again = await phone.latest()
    assert first.status_code == again.status_code == 200, again.text
    assert again.content == first.content
    return again.content


async def test_a_pass_change_reaches_the_next_fetch(api: ApiClient, phone: Phone) -> None:
    first = await fetched(phone)
    await api.put(f"/v1/pass/{phone.pass_['id']}", json={"fields": {"Coupon": {"value": "7%"}}})
    second = await fetched(phone)
    assert second != first and "7%" in json.dumps(shown(second))


async def test_a_template_change_reaches_the_next_fetch(api: ApiClient, phone: Phone) -> None:
    await fetched(phone)
    patch = {"headers": {"logo_text": {"value": "New Logo"}}}
    assert (await api.patch(f"/v1/templates/{phone.pass_['templateId']}", json=patch)).status_code == 200
    assert shown(await fetched(phone))["logoText"] == "New Logo"


async def test_a_template_place_reaches_the_next_fetch(api: ApiClient, phone: Phone) -> None:
    await fetched(phone)
    place = [{"latitude": 45.5, "longitude": -122.6, "relevantText": "Near"}]
    added = await api.post(f"/v1/template/{phone.pass_['templateId']}/locations", json={"locations": place})
    assert added.status_code == 200, added.text
    assert [item["relevantText"] for item in shown(await fetched(phone))["locations"]] == ["Near"]


async def test_a_project_change_reaches_the_next_fetch(api: ApiClient, phone: Phone) -> None:
    await fetched(phone)
    template = (await api.get(f"/v1/template/{phone.pass_['templateId']}")).json()["templateHeader"]
    project = (await api.get(f"/v1/project/{template['projectId']}")).json()
    body = {"name": "Renamed", "description": project["description"], "projectType": project["projectType"]}
    assert (await api.put(f"/v1/project/{template['projectId']}", json=body)).status_code == 200
    assert shown(await fetched(phone))["organizationName"] == "Renamed"


async def test_a_new_certificate_reaches_the_next_fetch(
    api: ApiClient, phone: Phone, coupon_cert: Upload, coupon_cert_renewed: Upload
) -> None:
    """Signed by the development certificate until the account has one of its own (the phone keeps the
    type it registered with), then by the renewed one."""
    assert (await phone.register()).status_code == 201
    first = await fetched(phone)
    await upload_certificate(api, coupon_cert)
    second = await fetched(phone)
    assert signer_of(first).subject != signer_of(second).subject
    body = {"certificate": coupon_cert_renewed.certificate, "password": coupon_cert_renewed.password}
    assert (await api.post("/v1/certificates", json=body)).status_code == 200  # the same identity: renewed
    third = await fetched(phone)
    assert signer_of(third).not_valid_after_utc == coupon_cert_renewed.not_valid_after


async def test_another_process_serves_it_by_the_one_lookup(
    phone: Phone, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that neither signed the pass nor knows its stamp reads the bytes another one kept under
    the stamp in the data dir's file cache: still the one statement, no signature."""
    first = await fetched(phone)
    monkeypatch.setattr(wallets_apple, "_signed", BytesLRU())  # a second process: nothing in memory
    monkeypatch.setattr(wallets_apple, "_stamped", OrderedDict())
    monkeypatch.setattr(PassSigner, "sign", lambda *args: pytest.fail("signed again"))
    with statements(database) as sent:
        again = await phone.latest()
    assert again.status_code == 200 and again.content == first
    assert len(sent) == 1, "\n\n".join(sent)
