"""A repeat visit of a shared Apple pass is served by its stamp (the versions the link's one lookup reads),
and never stale: a change to its template, its flight or its certificate reaches the next visit."""

from __future__ import annotations

import httpx

from tests.certificates.conftest import Upload
from tests.certificates.conftest import coupon_cert as coupon_cert
from tests.certificates.conftest import coupon_cert_renewed as coupon_cert_renewed
from tests.certificates.test_projects import signer_of
from tests.certificates.test_projects import upload as upload_certificate
from tests.journeys.conftest import document
from tests.links.conftest import IPHONE, MakeLink, local
from tests.links.test_multiple import boarding, boarding_body, field, issue, passenger
from tests.passes.conftest import Verify, pass_json


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
    response = await api.put(
        f"/v1/flights/project/{project_id}/passGroups/sfo-pdx-20250319",
        json={"fields": {"departureGate": {"value": "21"}}},
    )
    assert response.status_code == 200, response.text
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
