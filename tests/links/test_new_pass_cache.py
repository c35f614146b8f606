"""A visit that makes a new pass signs it with the signer (and issues it with the Google credential) kept
by the version its one lookup read, and its images kept by digest: a renewed certificate, a new default
certificate, a changed Google credential, a Smart Tap merchant or a changed template image reaches the next
new pass."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx
import jwt

from passmint.db import Database
from passmint.google import make_development_account
from tests.certificates.conftest import Upload
from tests.certificates.conftest import coupon_cert as coupon_cert
from tests.certificates.conftest import coupon_cert_renewed as coupon_cert_renewed
from tests.certificates.test_google import ISSUER, google_body
from tests.certificates.test_projects import signer_of
from tests.certificates.test_projects import upload as upload_certificate
from tests.factories import data_url, png
from tests.links.conftest import ANDROID, IPHONE, MakeLink, local
from tests.links.test_visit_cost import cost, made, numbered


async def new_pass(anonymous: httpx.AsyncClient, link: dict[str, object]) -> bytes:
    response = await anonymous.get(local(str(link["iosUrl"])), headers=IPHONE)
    assert response.status_code == 200, response.text
    return response.content


async def kid(anonymous: httpx.AsyncClient, link: dict[str, object]) -> str:
    """The key id the new pass's save link is signed with."""
    response = await anonymous.get(local(str(link["androidUrl"])), headers=ANDROID)
    assert response.status_code == 302, response.text
    return str(jwt.get_unverified_header(response.headers["location"].rsplit("/", 1)[1])["kid"])


async def test_an_uploaded_certificate_signs_new_passes_unread(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database,
    coupon_cert: Upload,
) -> None:  # fmt: skip
    await upload_certificate(api, coupon_cert)
    link = await make_link(isPersonalized=True)
    assert await cost(anonymous, database, local(link["iosUrl"]), IPHONE, 200) == made(database) + numbered(
        database
    )


async def test_an_uploaded_google_credential_issues_new_passes_unread(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database
) -> None:
    assert (
        await api.post("/v1/certificates", json=google_body(make_development_account(ISSUER)))
    ).status_code == 201
    link = await make_link(isPersonalized=True)
    sent = await cost(anonymous, database, local(link["androidUrl"]), ANDROID, 302)
    assert sent == made(database) + numbered(database)


async def test_a_renewed_certificate_reaches_the_next_new_pass(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink,
    coupon_cert: Upload, coupon_cert_renewed: Upload,
) -> None:  # fmt: skip
    await upload_certificate(api, coupon_cert)
    link = await make_link(isPersonalized=True)
    first = [await new_pass(anonymous, link) for _ in range(2)][-1]
    body = {"certificate": coupon_cert_renewed.certificate, "password": coupon_cert_renewed.password}
    assert (await api.post("/v1/certificates", json=body)).status_code == 200  # the same identity: renewed
    second = await new_pass(anonymous, link)
    assert signer_of(first).not_valid_after_utc < signer_of(second).not_valid_after_utc
    assert signer_of(second).not_valid_after_utc == coupon_cert_renewed.not_valid_after


async def test_a_new_default_certificate_reaches_the_next_new_pass(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, coupon_cert: Upload
) -> None:
    """Signed by the development certificate until the account has one of its own."""
    link = await make_link(isPersonalized=True)
    first = [await new_pass(anonymous, link) for _ in range(2)][-1]
    await upload_certificate(api, coupon_cert)
    second = await new_pass(anonymous, link)
    assert signer_of(first).subject != signer_of(second).subject


async def test_a_changed_google_credential_reaches_the_next_new_pass(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink
) -> None:
    link = await make_link(isPersonalized=True)
    development = [await kid(anonymous, link) for _ in range(2)][-1]
    first, second = make_development_account(ISSUER), make_development_account(ISSUER)
    uploaded = await api.post("/v1/certificates", json=google_body(first))
    assert uploaded.status_code == 201, uploaded.text
    assert [await kid(anonymous, link) for _ in range(2)] == [first.private_key_id] * 2 != [development] * 2
    credential = uploaded.json()["id"]
    renewed = await api.put(f"/v1/certificates/{credential}", json=google_body(second))
    assert renewed.status_code == 200, renewed.text
    assert await kid(anonymous, link) == second.private_key_id


async def test_a_changed_template_image_reaches_the_next_new_pass(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, templates: dict[str, int]
) -> None:
    link = await make_link(isPersonalized=True)
    [await new_pass(anonymous, link) for _ in range(2)]
    logo = png(160, 50, (9, 120, 200))
    patch = {"headers": {"logo_image": {"fieldType": "image", "value": data_url(logo)}}}
    assert (await api.patch(f"/v1/templates/{templates['ios']}", json=patch)).status_code == 200
    files = zipfile.ZipFile(io.BytesIO(await new_pass(anonymous, link)))
    assert files.read("logo.png") == logo


async def test_a_smart_tap_merchant_reaches_the_next_new_pass(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink, project: dict[str, Any]
) -> None:
    """The merchants are kept by the template's change number, which adding or deleting one moves."""
    link = await make_link(isPersonalized=True)
    assert [await smart_tap(anonymous, link) for _ in range(3)] == [False] * 3
    merchant = {"vendor": "GOOGLE", "smartTapIssuerId": "3388000000012345"}
    added = await api.post(f"/v1/project/{project['id']}/nfcMerchants", json=merchant)
    assert added.status_code == 200, added.text
    assert [await smart_tap(anonymous, link) for _ in range(2)] == [True] * 2
    deleted = await api.delete(f"/v1/project/{project['id']}/nfcMerchants/{added.json()['merchantId']}")
    assert deleted.status_code == 200, deleted.text
    assert await smart_tap(anonymous, link) is False


async def smart_tap(anonymous: httpx.AsyncClient, link: dict[str, object]) -> bool:
    """Whether the new pass's object in its save link is read by Smart Tap terminals (its class has
    redemption issuers)."""
    response = await anonymous.get(local(str(link["androidUrl"])), headers=ANDROID)
    assert response.status_code == 302, response.text
    payload = jwt.decode(response.headers["location"].rsplit("/", 1)[1], options={"verify_signature": False})
    objects = payload["payload"]["loyaltyObjects"]
    return "smartTapRedemptionValue" in objects[0]
