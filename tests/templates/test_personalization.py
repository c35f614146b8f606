"""Personalization requirements of a template, and passes that ask for them before installing."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import subprocess
import uuid
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
from passmint.models import Job, Pass
from tests.conftest import AddressedClient, ApiClient
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


PERSONALIZE = "/apple/v1/passes/pass.dev.passmint/{serial}/personalize"


def personalize_body(token: str, **info: str) -> dict[str, Any]:
    return {"personalizationToken": token, "requiredPersonalizationInfo": info or {"emailAddress": "a@b.c"}}


@pytest.fixture
async def member(api: ApiClient, template_id: int) -> dict[str, Any]:
    """A pass awaiting personalization (its template asks for it and it has NFC)."""
    await api.post(f"/v1/template/{template_id}/personalization", json=REQUIREMENTS)
    return await create_pass(api, template_id, {"nfc": NFC})


def forged_manifest(download: httpx.Response) -> str:
    """What an attacker holding one pass sends: the manifest.json of a pass they made from it."""
    files = files_of(download)
    forged = json.loads(files["pass.json"])
    forged["serialNumber"], forged["storeCard"]["primaryFields"][0]["value"] = "forged-0001", "100% off"
    files["pass.json"] = json.dumps(forged).encode()
    manifest = {
        name: hashlib.sha1(data).hexdigest()
        for name, data in files.items()
        if name not in ("manifest.json", "signature")
    }
    return json.dumps(manifest)


async def personalized(api: ApiClient, pass_id: int) -> bool:
    return "personalization.json" not in files_of(await api.get(f"/v1/pass/{pass_id}/download"))


class TestSigningOracle:
    async def test_a_forged_manifest_is_not_signed(
        self, api: ApiClient, from_address: AddressedClient, member: dict[str, Any], database: Database
    ) -> None:
        anonymous = from_address("198.51.100.1")
        path = member["publicUrl"]["path"].removeprefix("http://localhost")
        public_download = await anonymous.get(path)
        path = PERSONALIZE.format(serial=member["serialNumber"])

        for token in (forged_manifest(public_download), files_of(public_download)["manifest.json"].decode()):
            response = await anonymous.post(path, json=personalize_body(token))
            assert response.status_code == 400, response.text
            assert response.headers["content-type"] == "application/json"
            assert response.json()["details"][0]["field"] == "personalizationToken"
        assert not await personalized(api, member["id"])
        async with database.transaction() as session:
            assert (await session.scalars(select(Job).where(Job.name == "callbacks.deliver"))).all() == []

    @pytest.mark.parametrize(
        "token", ["{}", "a b", "line\nbreak", "x" * 257, "", '"quoted"', "tab\there", "é"]
    )
    async def test_only_token_text_is_signed(
        self, api: ApiClient, from_address: AddressedClient, member: dict[str, Any], token: str
    ) -> None:
        response = await from_address("198.51.100.2").post(
            PERSONALIZE.format(serial=member["serialNumber"]), json=personalize_body(token)
        )
        assert response.status_code == 400 and not await personalized(api, member["id"])

    async def test_not_for_a_pass_that_does_not_show_the_sign_up_sheet(
        self, api: ApiClient, from_address: AddressedClient, template_id: int, member: dict[str, Any]
    ) -> None:
        without_nfc = await create_pass(api, template_id)  # the sheet needs NFC
        other_template = await create_template(api, (await create_project(api))["id"])
        plain = await create_pass(api, other_template, {"nfc": NFC})
        client = from_address("198.51.100.3")
        for pass_ in (without_nfc, plain):
            response = await client.post(
                PERSONALIZE.format(serial=pass_["serialNumber"]), json=personalize_body("t")
            )
            assert response.status_code == 404
            assert response.json()["error_code"] == "personalization_not_offered"

    async def test_one_token_per_pass_and_its_retries(
        self,
        api: ApiClient,
        from_address: AddressedClient,
        member: dict[str, Any],
        settings: Settings,
        tmp_path: Path,
    ) -> None:
        client = from_address("198.51.100.4")
        path = PERSONALIZE.format(serial=member["serialNumber"])
        first = await client.post(path, json=personalize_body("dG9rZW4tb25l"))
        retried = await client.post(path, json=personalize_body("dG9rZW4tb25l"))
        other = await client.post(path, json=personalize_body("dG9rZW4tdHdv"))

        assert first.status_code == retried.status_code == 200
        assert other.status_code == 409 and other.json()["error_code"] == "pass_already_personalized"
        (tmp_path / "token").write_bytes(b"dG9rZW4tb25l")
        (tmp_path / "signature").write_bytes(retried.content)
        ca = settings.data_dir / "dev-certs" / "ca.pem"
        assert await asyncio.to_thread(openssl_verifies, tmp_path / "signature", tmp_path / "token", ca)

    async def test_two_tokens_at_once_one_wins(
        self, from_address: AddressedClient, member: dict[str, Any], database: Database
    ) -> None:
        client = from_address("198.51.100.5")
        path = PERSONALIZE.format(serial=member["serialNumber"])

        tokens = [f"token-{n}" for n in range(4)]

        answers = await asyncio.gather(*(client.post(path, json=personalize_body(token)) for token in tokens))

        assert sorted(answer.status_code for answer in answers) == [200, 409, 409, 409]
        winner = next(
            token for token, answer in zip(tokens, answers, strict=True) if answer.status_code == 200
        )
        async with database.transaction() as session:
            stored = await session.scalar(select(Pass).where(Pass.serial_number == member["serialNumber"]))
        assert stored is not None
        assert stored.personalization_token_digest == hashlib.sha256(winner.encode()).hexdigest()

    async def test_a_foreign_pass_type_is_refused(
        self, from_address: AddressedClient, member: dict[str, Any]
    ) -> None:
        path = f"/apple/v1/passes/pass.com.other/{member['serialNumber']}/personalize"
        response = await from_address("198.51.100.6").post(path, json=personalize_body("t"))
        assert response.status_code == 401

    @pytest.mark.usefixtures("still_clock")
    async def test_calls_for_one_pass_are_limited(
        self, from_address: AddressedClient, member: dict[str, Any]
    ) -> None:
        path = PERSONALIZE.format(serial=member["serialNumber"])
        answers = [
            await from_address(f"198.51.100.{10 + n}").post(path, json=personalize_body("same-token"))
            for n in range(6)
        ]
        assert [answer.status_code for answer in answers] == [200] * 5 + [429]
        assert int(answers[-1].headers["Retry-After"]) > 0
        assert answers[-1].json()["error_code"] == "too_many_requests"

    @pytest.mark.usefixtures("still_clock")
    async def test_calls_from_one_address_are_limited(self, from_address: AddressedClient) -> None:
        client = from_address("198.51.100.99")
        answers = [
            await client.post(PERSONALIZE.format(serial=uuid.uuid4()), json=personalize_body("t"))
            for _ in range(31)
        ]
        assert [answer.status_code for answer in answers] == [401] * 30 + [429]
