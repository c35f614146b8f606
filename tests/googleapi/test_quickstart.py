"""The README's Google quickstart, as written: a service account uploaded, a Google template made in a
project by external ids, a pass by external ids, its save link as JSON and as a 302."""

from __future__ import annotations

import base64

import httpx
import jwt

from passmint.config import Settings
from passmint.db import Database
from passmint.google import make_development_account
from passmint.google.ids import class_id
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from tests.conftest import ApiClient
from tests.factories import data_url, png
from tests.support.google_standin import GoogleStandin

ISSUER = "3388000000012345678"


async def test_the_readme_google_quickstart(
    api: ApiClient,
    anonymous: httpx.AsyncClient,
    database: Database,
    google_context: JobContext,
    standin: GoogleStandin,
    settings: Settings,
) -> None:
    account = make_development_account(ISSUER)
    standin.trust(account)
    key_file = account.key_file()
    response = await api.post(
        "/v1/certificates",
        json={
            "vendor": "Google",
            "certificate": base64.b64encode(key_file).decode(),
            "issuerId": ISSUER,
            "name": "Wallet issuer",
            "default": True,
        },
    )
    assert response.status_code in (200, 201), response.text
    assert "privateKey" not in response.text
    response = await api.post(
        "/v1/project/id/members",
        json={"name": "Members", "projectType": "memberCard", "description": "Member cards"},
    )
    assert response.status_code == 200, response.text
    response = await api.post(
        "/v1/template/project/id/members/id/android-card",
        json={
            "vendor": "Google",
            "name": "Members",
            "projectType": "memberCard",
            "headers": {"barcode_type": {"value": "qr"}},
            "titleModule": {
                "image": data_url(png()),  # the README names an https URL; tests have no internet
                "Program": {"label": "Program", "value": "Club"},
            },
            "pointsModule": {"Points": {"label": "Points", "value": 0, "formatType": "Number"}},
        },
    )
    assert response.status_code == 200, response.text
    template_id = int(response.json()["templateId"])
    await Worker(database, google_context).run_until_idle()
    klass = standin.resource("loyaltyClass", class_id(ISSUER, template_id))
    assert klass is not None and klass["programName"] == "Club"  # the class inserted at creation
    response = await api.post(
        "/v1/pass/id/android-card/id/alice",
        json={"fields": {"Points": {"value": 120}}, "headers": {"barcode_value": {"value": "ALICE-0001"}}},
    )
    assert response.status_code == 200, response.text
    public = await anonymous.get(response.json()["publicUrl"]["path"].removeprefix(settings.base_url))
    assert public.status_code == 302 and public.headers["location"].startswith(settings.google_save_url)
    path = "/v1/pass/template/id/android-card/id/alice/download"
    answer = await api.get(path, headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    link = answer.json()
    assert set(link) == {"saveUrl", "jwt", "classId", "objectId"}
    claims = jwt.decode(link["jwt"], options={"verify_signature": False})
    [loyalty] = claims["payload"]["loyaltyObjects"]
    assert loyalty["loyaltyPoints"]["balance"] == {"int": 120}
    assert loyalty["barcode"] == {"type": "QR_CODE", "value": "ALICE-0001"}
    redirect = await api.get(path)
    assert redirect.status_code == 302 and redirect.headers["location"].startswith(settings.google_save_url)
