"""A repeat visit of a shared pass (the iPhone's file, the Android phone's save link, the landing page) is
served by its stamp (the versions the link's one lookup reads), and never stale: a change to anything it
is made from (its template, its places, the pass, its flight, its certificate or Google credential, the
project's Smart Tap merchants) reaches the next visit."""

from __future__ import annotations

import json
from typing import Any

import httpx
import jwt
import pytest

from passmint.google import make_development_account
from passmint.wallets.google import SAVE_LINK_KEPT
from tests.certificates.conftest import Upload
from tests.certificates.conftest import coupon_cert as coupon_cert
from tests.certificates.conftest import coupon_cert_renewed as coupon_cert_renewed
from tests.certificates.test_google import ISSUER, google_body
from tests.certificates.test_projects import signer_of
from tests.certificates.test_projects import upload as upload_certificate
from tests.journeys.conftest import document
from tests.links.conftest import ANDROID, DESKTOP, IPHONE, MakeLink, local
from tests.links.test_multiple import boarding, boarding_body, field, issue, move_gate, passenger
from tests.passes.conftest import Verify, pass_json
from tests.support.clock import AheadClock


async def visit(anonymous: httpx.AsyncClient, url: str) -> bytes:
    response = await anonymous.get(local(url), headers=IPHONE)
    assert response.status_code == 200, response.text
    return response.content


async def test_a_template_change_reaches_the_next_visit(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink,
    templates: dict[str, int], verify: Verify,
) -> None:  # fmt: skip
    link = await make_link()
    first = [await visit(anonymous, link["iosUrl"]) for _ in range(3)][-1]
    patch = {"headers": {"logo_text": {"value": "New Logo"}}}
    assert (await api.patch(f"/v1/templates/{templates['ios']}", json=patch)).status_code == 200
    second = await visit(anonymous, link["iosUrl"])
    assert second != first and pass_json(verify(second))["logoText"] == "New Logo"
    assert await visit(anonymous, link["iosUrl"]) == second


async def test_a_template_place_reaches_the_next_visit(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink,
    templates: dict[str, int], verify: Verify,
) -> None:  # fmt: skip
    link = await make_link()
    [await visit(anonymous, link["iosUrl"]) for _ in range(3)]
    place = [{"latitude": 45.5, "longitude": -122.6, "relevantText": "Near"}]
    added = await api.post(f"/v1/template/{templates['ios']}/locations", json={"locations": place})
    assert added.status_code == 200, added.text
    shown = pass_json(verify(await visit(anonymous, link["iosUrl"])))
    assert [item["relevantText"] for item in shown["locations"]] == ["Near"]


async def test_a_flight_change_reaches_the_next_visit(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    project_id, template_id = await boarding(api)
    links = await issue(api, project_id, boarding_body(template_id, [passenger("13A", "SMITH/JOE", "joe")]))
    url = links[0]["iosUrl"]
    first = [await visit(anonymous, url) for _ in range(3)][-1]
    assert field(document(first), "departureGate") == "25"
    await move_gate(api, project_id, "21")
    assert field(document(await visit(anonymous, url)), "departureGate") == "21"


async def test_a_renewed_certificate_reaches_the_next_visit(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink,
    coupon_cert: Upload, coupon_cert_renewed: Upload,
) -> None:  # fmt: skip
    await upload_certificate(api, coupon_cert)  # the account's default: the link's passes are signed by it
    link = await make_link()
    first = [await visit(anonymous, link["iosUrl"]) for _ in range(3)][-1]
    body = {"certificate": coupon_cert_renewed.certificate, "password": coupon_cert_renewed.password}
    assert (await api.post("/v1/certificates", json=body)).status_code == 200  # the same identity: renewed
    second = await visit(anonymous, link["iosUrl"])
    assert signer_of(first).not_valid_after_utc < signer_of(second).not_valid_after_utc
    assert signer_of(second).not_valid_after_utc == coupon_cert_renewed.not_valid_after


async def test_a_new_default_certificate_reaches_the_next_visit(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, coupon_cert: Upload
) -> None:
    """Signed by the development certificate until the account has one of its own."""
    link = await make_link()
    first = [await visit(anonymous, link["iosUrl"]) for _ in range(3)][-1]
    await upload_certificate(api, coupon_cert)
    second = await visit(anonymous, link["iosUrl"])
    assert signer_of(first).subject != signer_of(second).subject


# Each form of a repeat visit (the iPhone's file, the Android phone's save link, the landing page) is kept
# by the shared pass's stamp; a change of anything it is made from reaches the next visit of each form.

FORMS = ("ios", "android", "page")


async def seen(anonymous: httpx.AsyncClient, link: dict[str, Any], form: str) -> str:
    """What a visit of ``form`` shows: the pass.json, the save link's JWT payload (not its ``iat``), or
    the page."""
    if form == "ios":
        return json.dumps(document(await visit(anonymous, link["iosUrl"])), sort_keys=True)
    if form == "android":
        return json.dumps(claims(await save_link(anonymous, link))["payload"], sort_keys=True)
    response = await anonymous.get(local(link["url"]), headers=DESKTOP)
    assert response.status_code == 200, response.text
    return response.text


async def save_link(anonymous: httpx.AsyncClient, link: dict[str, Any]) -> str:
    response = await anonymous.get(local(link["androidUrl"]), headers=ANDROID)
    assert response.status_code == 302, response.text
    return response.headers["location"]


def claims(location: str) -> dict[str, Any]:
    found: dict[str, Any] = jwt.decode(location.rsplit("/", 1)[1], options={"verify_signature": False})
    return found


async def kept(anonymous: httpx.AsyncClient, link: dict[str, Any], form: str) -> str:
    """What the repeat visits of ``form`` are answered from (the same each time: kept)."""
    answers = [await seen(anonymous, link, form) for _ in range(3)]
    assert answers[1] == answers[2]
    return answers[-1]


async def shared_pass(api: httpx.AsyncClient, link: dict[str, Any], form: str) -> int:
    listed = (await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}/passes")).json()["passes"]
    platform = "android" if form == "android" else "ios"
    return int(next(item["id"] for item in listed if item["platform"] == platform))


def shown_header(form: str, value: str) -> dict[str, Any]:
    """A header each form shows as it is: Google's object has the barcode, not the logo text."""
    return {"barcode_value" if form == "android" else "logo_text": {"value": value}}


@pytest.mark.parametrize("form", FORMS)
async def test_a_template_header_change_reaches_each_form(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, templates: dict[str, int],
    form: str,
) -> None:  # fmt: skip
    link = await make_link()
    before = await kept(anonymous, link, form)
    template = templates["android" if form == "android" else "ios"]
    patch = {"headers": shown_header(form, "Brand New Logo")}
    assert (await api.patch(f"/v1/templates/{template}", json=patch)).status_code == 200
    after = await seen(anonymous, link, form)
    assert after != before and "Brand New Logo" in after
    assert await seen(anonymous, link, form) == after


@pytest.mark.parametrize("form", FORMS)
async def test_a_pass_update_reaches_each_form(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, form: str
) -> None:
    link = await make_link()
    before = await kept(anonymous, link, form)
    pass_id = await shared_pass(api, link, "android" if form == "android" else "ios")
    body = {"headers": shown_header(form, "Updated Pass")}
    assert (await api.put(f"/v1/pass/{pass_id}", json=body)).status_code == 200
    after = await seen(anonymous, link, form)
    assert after != before and "Updated Pass" in after


async def test_a_template_place_reaches_the_save_link(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, templates: dict[str, int]
) -> None:
    link = await make_link()
    before = await kept(anonymous, link, "android")
    place = [{"latitude": 45.5, "longitude": -122.6, "relevantText": "Near"}]
    added = await api.post(f"/v1/template/{templates['android']}/locations", json={"locations": place})
    assert added.status_code == 200, added.text
    after = await seen(anonymous, link, "android")
    assert after != before and "45.5" in after


async def test_a_google_credential_reaches_the_save_link(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink
) -> None:
    link = await make_link()
    await kept(anonymous, link, "android")
    development = await save_link(anonymous, link)
    account = make_development_account(ISSUER)
    assert (await api.post("/v1/certificates", json=google_body(account))).status_code == 201
    issued = await save_link(anonymous, link)
    header = jwt.get_unverified_header(issued.rsplit("/", 1)[1])
    assert (
        header["kid"]
        == account.private_key_id
        != jwt.get_unverified_header(development.rsplit("/", 1)[1])["kid"]
    )
    assert claims(issued)["payload"]["loyaltyObjects"][0]["id"].startswith(ISSUER)


async def test_a_smart_tap_merchant_reaches_the_save_link(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, project: dict[str, Any]
) -> None:
    link = await make_link()
    before = await kept(anonymous, link, "android")
    merchant = {"vendor": "GOOGLE", "smartTapIssuerId": "3388000000012345"}
    assert (await api.post(f"/v1/project/{project['id']}/nfcMerchants", json=merchant)).status_code == 200
    assert await seen(anonymous, link, "android") != before


async def test_a_kept_save_link_is_minted_again_once_old(
    anonymous: httpx.AsyncClient, make_link: MakeLink, utc_clock: AheadClock
) -> None:
    """A repeat visit gets the kept save link while it is recent; its ``iat`` is never older than
    ``SAVE_LINK_KEPT``."""
    link = await make_link()
    first = [await save_link(anonymous, link) for _ in range(3)][-1]
    assert await save_link(anonymous, link) == first
    utc_clock.advance(SAVE_LINK_KEPT.total_seconds())
    again = await save_link(anonymous, link)
    assert again != first
    assert claims(again)["iat"] - claims(first)["iat"] >= SAVE_LINK_KEPT.total_seconds()
    assert claims(again)["payload"] == claims(first)["payload"]


@pytest.mark.parametrize("form", ["ios", "page"])
async def test_a_project_change_reaches_each_form(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, project: dict[str, Any],
    form: str,
) -> None:  # fmt: skip
    """The pass's organisation is the project's name (Google's is its class's, which the link does not
    carry: the stamp changes all the same)."""
    link = await make_link()
    before = await kept(anonymous, link, form)
    body = {"name": "Renamed Shop", "projectType": "memberCard", "description": "Members", "settings": {}}
    assert (await api.put(f"/v1/project/{project['id']}", json=body)).status_code == 200
    after = await seen(anonymous, link, form)
    assert after != before and "Renamed Shop" in after
