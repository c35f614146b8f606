"""Personalization requirements of a template, and passes that ask for them before installing."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from passmint.config import Settings
from passmint.db import Database
from passmint.models import Job
from tests.conftest import ApiClient
from tests.factories import GOOGLE_TEMPLATE, create_pass, create_project, create_template, data_url, png

REQUIREMENTS = {
    "requiredPersonalizationFields": ["name", "postalCode", "emailAddress", "phoneNumber"],
    "description": "Enter your information to sign up and earn points.",
    "termsAndConditions": "Terms and conditions go here",
}
_TERMINAL_KEY = ec.generate_private_key(ec.SECP256R1()).public_key()
NFC = {
    "message": "member-0001",
    "encryptionPublicKey": base64.b64encode(
        _TERMINAL_KEY.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    ).decode(),
}


def openssl_verifies(signature: Path, content: Path, ca: Path) -> bool:
    command = [
        "openssl",
        "smime",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    ]
    command += ["-in", str(signature), "-content", str(content), "-CAfile", str(ca)]
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


@pytest.fixture
async def template_id(api: ApiClient) -> int:
    return await create_template(api, (await create_project(api))["id"])


def files_of(download: httpx.Response) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    return {name: archive.read(name) for name in archive.namelist()}


class TestRequirements:
    async def test_reference_example_round_trip(self, api: ApiClient, template_id: int) -> None:
        path = f"/v1/template/{template_id}/personalization"
        assert (await api.get(path)).status_code == 404
        created = await api.post(path, json=REQUIREMENTS)
        assert created.status_code == 200 and created.json() == REQUIREMENTS
        assert (await api.get(path)).json() == REQUIREMENTS
        assert (await api.post(path, json=REQUIREMENTS)).status_code == 409
        changed = await api.put(
            path, json={"requiredPersonalizationFields": ["emailAddress"], "description": "Join"}
        )
        assert changed.json() == {"requiredPersonalizationFields": ["emailAddress"], "description": "Join"}
        assert (await api.delete(path)).json()["description"] == "Join"
        assert (await api.get(path)).status_code == 404

    async def test_kept_when_the_template_is_replaced(self, api: ApiClient, template_id: int) -> None:
        await api.post(f"/v1/template/{template_id}/personalization", json=REQUIREMENTS)
        await api.patch(f"/v1/templates/{template_id}", json={"name": "Renamed"})
        assert (await api.get(f"/v1/template/{template_id}/personalization")).status_code == 200

    @pytest.mark.parametrize(
        ("body", "field"),
        [({"requiredPersonalizationFields": ["shoe"], "description": "x"}, "requiredPersonalizationFields.0"),
         ({"requiredPersonalizationFields": [], "description": "x"}, "requiredPersonalizationFields"),
         ({"requiredPersonalizationFields": ["name"]}, "description")],
    )  # fmt: skip
    async def test_bad_requirements(
        self, api: ApiClient, template_id: int, body: dict[str, Any], field: str
    ) -> None:
        response = await api.post(f"/v1/template/{template_id}/personalization", json=body)
        assert response.status_code == 400 and response.json()["details"][0]["field"] == field

    async def test_google_templates_are_refused(self, api: ApiClient) -> None:
        template_id = await create_template(api, (await create_project(api))["id"], GOOGLE_TEMPLATE)
        response = await api.post(f"/v1/template/{template_id}/personalization", json=REQUIREMENTS)
        assert response.status_code == 400


class TestPersonalizablePasses:
    async def test_sign_up_files_only_with_nfc_and_until_personalized(
        self, api: ApiClient, anonymous: httpx.AsyncClient, template_id: int, database: Database,
        settings: Settings, tmp_path: Path,
    ) -> None:  # fmt: skip
        logo = png(150, 40, (9, 9, 9))
        await api.post(
            f"/v1/template/{template_id}/personalization", json=REQUIREMENTS | {"imageUrl": data_url(logo)}
        )
        plain = await create_pass(api, template_id)
        assert "personalization.json" not in files_of(await api.get(f"/v1/pass/{plain['id']}/download"))
        member = await create_pass(api, template_id, {"nfc": NFC})
        files = files_of(await api.get(f"/v1/pass/{member['id']}/download"))
        assert json.loads(files["personalization.json"]) == {
            "requiredPersonalizationFields": [
                "PKPassPersonalizationFieldName", "PKPassPersonalizationFieldPostalCode",
                "PKPassPersonalizationFieldEmailAddress", "PKPassPersonalizationFieldPhoneNumber",
            ],
            "description": REQUIREMENTS["description"],
            "termsAndConditions": REQUIREMENTS["termsAndConditions"],
        }  # fmt: skip
        assert files["personalizationLogo.png"] == logo

        token = "a-token-from-apple"
        info = {"fullName": "Ada Lovelace", "givenName": "Ada", "familyName": "Lovelace",
                "emailAddress": "ada@example.com", "postalCode": "94404", "ISOCountryCode": "US"}  # fmt: skip
        response = await anonymous.post(
            f"/apple/v1/passes/pass.dev.passmint/{member['serialNumber']}/personalize",
            json={"personalizationToken": token, "requiredPersonalizationInfo": info},
        )
        assert response.status_code == 200 and response.headers["content-type"] == "application/octet-stream"
        (tmp_path / "token").write_bytes(token.encode())
        (tmp_path / "signature").write_bytes(response.content)
        ca = settings.data_dir / "dev-certs" / "ca.pem"
        assert await asyncio.to_thread(openssl_verifies, tmp_path / "signature", tmp_path / "token", ca)

        after = files_of(await api.get(f"/v1/pass/{member['id']}/download"))
        assert "personalization.json" not in after
        async with database.transaction() as session:
            jobs = (await session.scalars(select(Job).where(Job.name == "callbacks.deliver"))).all()
        assert jobs == []  # no callback spec on this project: nothing to send

    async def test_personalize_callback_carries_what_was_entered(
        self, api: ApiClient, anonymous: httpx.AsyncClient, template_id: int, database: Database
    ) -> None:
        project_id = (await api.get(f"/v1/template/{template_id}")).json()["templateHeader"]["projectId"]
        await api.post(
            f"/v1/project/{project_id}/settings/callback",
            json={"baseUrl": "https://hooks.example.com/wallet"},
        )
        await api.post(f"/v1/template/{template_id}/personalization", json=REQUIREMENTS)
        member = await create_pass(api, template_id, {"nfc": NFC})
        body = {
            "personalizationToken": "t",
            "requiredPersonalizationInfo": {"emailAddress": "ada@example.com"},
        }
        path = f"/apple/v1/passes/pass.dev.passmint/{member['serialNumber']}/personalize"
        assert (await anonymous.post(path, json=body)).status_code == 200
        assert (await anonymous.post(path, json=body)).status_code == 200  # signs again, nothing new
        async with database.transaction() as session:
            jobs = (await session.scalars(select(Job).where(Job.name == "callbacks.deliver"))).all()
        assert len(jobs) == 1
        assert jobs[0].payload["path"] == f"/v1/pass/{member['id']}/personalize"
        sent = json.loads(jobs[0].payload["body"])
        assert sent["passId"] == member["id"] and sent["personalizationInfo"] == {
            "emailAddress": "ada@example.com"
        }

    async def test_not_personalizable_or_unknown(
        self, api: ApiClient, anonymous: httpx.AsyncClient, template_id: int
    ) -> None:
        plain = await create_pass(api, template_id)
        body = {"personalizationToken": "t", "requiredPersonalizationInfo": {}}
        base = "/apple/v1/passes/pass.dev.passmint"
        assert (
            await anonymous.post(f"{base}/{plain['serialNumber']}/personalize", json=body)
        ).status_code == 404
        assert (
            await anonymous.post(f"{base}/00000000-0000-0000-0000-000000000000/personalize", json=body)
        ).status_code == 401
