"""Google passes through the real app: a template and a pass of every vertical, from the reference's
Google bodies; their save links verify with the service account's key, and what they carry is what
Google's published schema accepts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from passmint.certificates.google_accounts import dev_google_account
from passmint.config import Settings
from passmint.google import ids
from tests.factories import create_pass, create_project
from tests.google import bodies
from tests.support import google_schema

SAVE_URL = "https://pay.google.com/gp/v/save/"


def verified(token: str, settings: Settings) -> dict[str, Any]:
    """The JWT's claims, verified with the development service account's public key."""
    account = dev_google_account(settings.data_dir)
    public = account.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims: dict[str, Any] = jwt.decode(
        token,
        public,
        algorithms=["RS256"],
        audience="google",
        issuer=account.client_email,
        options={"require": ["iss", "aud", "typ", "payload"]},
    )
    assert claims["typ"] == "savetowallet"
    assert jwt.get_unverified_header(token)["kid"] == account.private_key_id
    return claims


async def google_pass(
    api: httpx.AsyncClient, project_type: str, template: dict[str, Any], body: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    project = await create_project(api, name=f"Google {project_type}", projectType=project_type)
    response = await api.post(f"/v1/template/{project['id']}", json=template)
    assert response.status_code == 200, response.text
    answer = response.json()
    template_id = int(answer.get("templateId") or answer["id"])
    return template_id, await create_pass(api, template_id, body or {})


async def saved(api: httpx.AsyncClient, pass_id: int, settings: Settings) -> tuple[dict[str, Any], str]:
    """The pass's save link as JSON, its JWT checked; the claims and the JWT."""
    response = await api.get(f"/v1/pass/{pass_id}/download", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == {"saveUrl", "jwt", "classId", "objectId"}
    assert answer["saveUrl"] == SAVE_URL + answer["jwt"]
    return verified(answer["jwt"], settings), answer["jwt"]


def checked_payload(claims: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every resource of the JWT's payload, each checked against Google's schema."""
    found = []
    for key, bodies_ in claims["payload"].items():
        resource = key.removesuffix("es") if key.endswith("Classes") else key.removesuffix("s")
        for body in bodies_:
            google_schema.check(resource, body)
            found.append((resource, body))
    return found


VERTICALS = [
    ("memberCard", lambda: bodies.v1_template("memberCard"), "loyalty"),
    ("loyalty", bodies.v2_template, "loyalty"),
    ("coupon", bodies.coupon_template, "offer"),
    ("giftCard", lambda: bodies.v1_template("giftCard"), "giftCard"),
    ("eventTicket", lambda: bodies.v1_template("eventTicket"), "eventTicket"),
    ("boardingPass", lambda: bodies.v1_template("boardingPass", **bodies.FLIGHT_FIELDS), "flight"),
    ("boardingPass", lambda: bodies.v1_template("boardingPass"), "transit"),
    ("generic", lambda: bodies.v1_template("generic"), "generic"),
]


@pytest.mark.parametrize(("project_type", "template", "vertical"), VERTICALS)
async def test_every_vertical_saves_what_googles_schema_accepts(
    api: httpx.AsyncClient, settings: Settings, project_type: str, template: Any, vertical: str
) -> None:
    _, small = await google_pass(api, project_type, bodies.trimmed(template()))
    claims, token = await saved(api, small["id"], settings)
    resources = checked_payload(claims)
    assert [kind for kind, _ in resources] == [f"{vertical}Object"]
    assert len(token) <= 1800
    template_id, made = await google_pass(api, project_type, template(), bodies.pass_request())
    rendered = (await api.get(f"/v1/pass/{made['id']}/viewJSONPass")).json()
    assert set(rendered) == {"classType", "class", "objectType", "object"}
    assert rendered["classType"] == f"{vertical}Class" and rendered["objectType"] == f"{vertical}Object"
    google_schema.check(rendered["classType"], rendered["class"])
    google_schema.check(rendered["objectType"], rendered["object"])
    issuer = dev_google_account(settings.data_dir).issuer_id
    assert rendered["class"]["id"] == ids.class_id(issuer, template_id)
    assert rendered["object"]["id"] == ids.object_id(issuer, made["id"])
    assert rendered["object"]["classId"] == rendered["class"]["id"]
    assert rendered["class"]["callbackOptions"] == {"url": f"{settings.base_url}/google/v1/callbacks"}


async def test_the_member_card_example_maps_as_the_design_note_says(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    _, made = await google_pass(api, "memberCard", bodies.v1_template())
    rendered = (await api.get(f"/v1/pass/{made['id']}/viewJSONPass")).json()
    loyalty_class, loyalty_object = rendered["class"], rendered["object"]
    assert loyalty_class["programName"] == "UA" and loyalty_class["hexBackgroundColor"] == "#0096e1"
    assert loyalty_class["reviewStatus"] == "UNDER_REVIEW"
    logo = loyalty_class["programLogo"]["sourceUri"]["uri"]
    assert logo.startswith(f"{settings.base_url}/images/") and logo.endswith(".png")
    assert loyalty_object["loyaltyPoints"] == {"label": "Points", "balance": {"int": 1234}}
    assert loyalty_object["secondaryLoyaltyPoints"] == {"label": "Tier", "balance": {"int": 2}}
    texts = [module["id"] for module in loyalty_object["textModulesData"]]
    assert texts == ["Program_Details", "Program_ID", "Tier_Name", "Last_Updated"]  # by row, col, name
    assert loyalty_object["linksModuleData"]["uris"][0]["uri"] == "http://www.example.com"
    assert "validTimeInterval" in loyalty_object  # expiryDuration: 365


async def test_the_v2_loyalty_example_maps_its_slots(api: httpx.AsyncClient) -> None:
    _, made = await google_pass(api, "loyalty", bodies.v2_template())
    rendered = (await api.get(f"/v1/pass/{made['id']}/viewJSONPass")).json()
    assert rendered["class"]["programName"] == "Metro"
    assert rendered["class"]["accountIdLabel"] == "Member Level"
    loyalty_object = rendered["object"]
    assert loyalty_object["barcode"] == {"type": "PDF_417", "value": "123456789"}
    assert loyalty_object["accountName"] == "Henry Christian" and loyalty_object["accountId"] == "Pre-Member"
    assert loyalty_object["loyaltyPoints"] == {"label": "Member Points", "balance": {"int": 3600}}
    assert loyalty_object["linksModuleData"]["uris"][0]["uri"] == "https://www.metro.com.sg"


async def test_the_coupon_example_is_an_offer(api: httpx.AsyncClient) -> None:
    _, made = await google_pass(api, "coupon", bodies.coupon_template())
    rendered = (await api.get(f"/v1/pass/{made['id']}/viewJSONPass")).json()
    offer_class, offer_object = rendered["class"], rendered["object"]
    assert offer_class["title"] == "25% Off Online" and offer_class["provider"] == "Domino's Snap Offer"
    assert offer_class["redemptionChannel"] == "BOTH" and offer_class["hexBackgroundColor"] == "#006491"
    assert offer_object["validTimeInterval"]["end"]["date"].startswith("2019-10-25T19:13:14")
    assert [module["id"] for module in offer_object["textModulesData"]] == ["Details", "FinePrint"]
    assert offer_object["heroImage"]["sourceUri"]["uri"].startswith("http://localhost/images/")
    assert len(offer_object["imageModulesData"]) == 1


async def test_download_and_public_link_answer_302_to_a_fresh_save_link(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, settings: Settings
) -> None:
    _, made = await google_pass(api, "memberCard", bodies.v1_template())
    download = await api.get(f"/v1/pass/{made['id']}/download")
    assert download.status_code == 302
    location = download.headers["location"]
    assert location.startswith(SAVE_URL)
    checked_payload(verified(location.removeprefix(SAVE_URL), settings))
    public = await anonymous.get(urlsplit(made["publicUrl"]["path"]).path)
    assert public.status_code == 302 and public.headers["location"].startswith(SAVE_URL)
    by_external = await api.post(f"/v1/pass/{made['templateId']}/id/member-1", json={})
    assert by_external.status_code == 200, by_external.text
    path = f"/v1/pass/template/{made['templateId']}/id/member-1/download"
    assert (await api.get(path)).status_code == 302


async def test_a_bundle_is_one_save_link_of_every_object(api: httpx.AsyncClient, settings: Settings) -> None:
    template_id, first = await google_pass(api, "memberCard", bodies.trimmed(bodies.v1_template()))
    second = await create_pass(api, template_id)
    response = await api.get(
        f"/v1/pass/download?passIds={first['id']},{second['id']}", headers={"Accept": "application/json"}
    )
    assert response.status_code == 200, response.text
    claims = verified(response.json()["jwt"], settings)
    assert [body["id"] for body in claims["payload"]["loyaltyObjects"]] == response.json()["objectIds"]
    assert (await api.get(f"/v1/pass/download?passIds={first['id']},{second['id']}")).status_code == 302


async def test_stored_images_are_public(api: httpx.AsyncClient, anonymous: httpx.AsyncClient) -> None:
    _, made = await google_pass(api, "memberCard", bodies.v1_template())
    rendered = (await api.get(f"/v1/pass/{made['id']}/viewJSONPass")).json()
    image = await anonymous.get(urlsplit(rendered["class"]["programLogo"]["sourceUri"]["uri"]).path)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    missing = await anonymous.get("/images/" + "0" * 64 + ".png")
    assert missing.status_code == 404 and missing.json()["error_code"] == "image_not_found"


async def test_a_save_link_too_long_when_google_cannot_be_reached_says_so(api: httpx.AsyncClient) -> None:
    """L19873's pass on L19981's coupon makes a JWT over 1,800 characters: its object is inserted at
    Google first (``tests/googleapi`` shows it against the stand-in); with Google unreachable, a 502
    that says why, never a link Google would refuse."""
    _, made = await google_pass(api, "coupon", bodies.coupon_template(), bodies.pass_request())
    response = await api.get(f"/v1/pass/{made['id']}/download", headers={"Accept": "application/json"})
    assert response.status_code == 502
    assert response.json()["error_code"] == "google_unreachable"
    assert "too long" in response.json()["error"]


async def test_a_dynamic_link_of_a_google_template_redirects_to_the_save_link(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, settings: Settings
) -> None:
    template_id, _ = await google_pass(api, "memberCard", bodies.trimmed(bodies.v1_template()))
    link = await api.post(f"/v1/pass/{template_id}/dynamic", json={})
    assert link.status_code == 200, link.text
    opened = await anonymous.get(urlsplit(link.json()["url"]).path)
    assert opened.status_code == 302
    checked_payload(verified(opened.headers["location"].removeprefix(SAVE_URL), settings))


async def test_an_event_starts_at_the_templates_relevant_date(api: httpx.AsyncClient) -> None:
    body = bodies.v1_template("eventTicket")
    body["headers"]["relevantDate"] = {"value": "2027-06-01T19:30:00-07:00"}
    _, made = await google_pass(api, "eventTicket", body)
    rendered = (await api.get(f"/v1/pass/{made['id']}/viewJSONPass")).json()
    assert rendered["class"]["dateTime"] == {"start": "2027-06-01T19:30:00-07:00"}
    assert rendered["class"]["eventName"]["defaultValue"]["value"] == "UA"
    google_schema.check("eventTicketClass", rendered["class"])


async def test_the_save_url_and_origins_come_from_the_settings(
    api: httpx.AsyncClient, app: Any, settings: Settings
) -> None:
    changed = {"google_save_url": "http://127.0.0.1:9/save/", "google_origins": ["https://shop.example"]}
    # set and put back by hand: pytest's monkeypatch deletes a Starlette State attribute on undo
    app.state.settings = settings.model_copy(update=changed)
    try:
        _, made = await google_pass(api, "memberCard", bodies.trimmed(bodies.v1_template()))
        download = await api.get(f"/v1/pass/{made['id']}/download")
    finally:
        app.state.settings = settings
    assert download.status_code == 302
    token = download.headers["location"].removeprefix("http://127.0.0.1:9/save/")
    assert verified(token, settings)["origins"] == ["https://shop.example"]
