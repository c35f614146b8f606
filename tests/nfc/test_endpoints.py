"""NFC merchants of a project: list, add (keys generated or imported), get, update, delete."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlalchemy import select

from passmint.db import Database
from passmint.models import NfcMerchant
from tests.conftest import ApiClient, ApiFactory
from tests.factories import create_project

# The reference's imported key: P-256, its point compressed.
COMPRESSED = "MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgADIAvHog/qg3dG4d0X0knYEIdvHnTXlk9SIm39iv1PM1w="
EXAMPLE = {
    "vendor": "ANY", "merchantName": "testMerchant5", "merchantEmail": "test@example.com",
    "terminalProvider": "Verifone", "publicKeyPem": COMPRESSED, "keyVersion": 1, "keySource": "IMPORTED",
}  # fmt: skip


def der(text: str) -> bytes:
    return base64.b64decode("".join(text.split()))


@pytest.fixture
async def project(api: ApiClient) -> dict[str, Any]:
    return await create_project(api, "/v1/project/id/shop")


async def add(api: ApiClient, body: dict[str, Any], path: str = "/v1/project/id/shop") -> dict[str, Any]:
    response = await api.post(f"{path}/nfcMerchants", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


class TestAdd:
    async def test_generated_keys_are_p256_and_the_private_key_is_shown_once(
        self, api: ApiClient, project: dict[str, Any], database: Database
    ) -> None:
        made = await add(api, {"vendor": "APPLE", "merchantName": "XYZ"})
        assert made["keySource"] == "GENERATED" and made["keyVersion"] == 1 and made["vendor"] == "APPLE"
        assert made["projectId"] == project["id"]
        private = serialization.load_der_private_key(der(made["privateKeyPem"]), password=None)
        assert isinstance(private, ec.EllipticCurvePrivateKey) and isinstance(private.curve, ec.SECP256R1)
        public = private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        assert der(made["publicKeyPem"]) == public
        fetched = (await api.get(f"/v1/project/{project['id']}/nfcMerchants/{made['merchantId']}")).json()
        assert "privateKeyPem" not in fetched and fetched["publicKeyPem"] == made["publicKeyPem"]
        listed = (await api.get("/v1/project/id/shop/nfcMerchants")).json()["merchants"]
        assert [row["merchantId"] for row in listed] == [
            made["merchantId"]
        ] and "privateKeyPem" not in listed[0]
        secret = "".join(made["privateKeyPem"].split())
        async with database.transaction() as session:
            row = await session.scalar(select(NfcMerchant))
            assert row is not None
            stored = " ".join(str(getattr(row, column.key)) for column in NfcMerchant.__table__.columns)
        assert secret[-40:] not in "".join(stored.split())

    async def test_an_imported_key_is_kept_as_sent(self, api: ApiClient, project: dict[str, Any]) -> None:
        made = await add(api, EXAMPLE)
        assert made["keySource"] == "IMPORTED" and made["publicKeyPem"] == COMPRESSED
        assert made["vendor"] == "ANY" and "privateKeyPem" not in made

    @pytest.mark.parametrize(
        ("sent", "stored"), [("apple", "APPLE"), ("Google", "GOOGLE"), ("android", "GOOGLE"), ("both", "ANY")]
    )
    async def test_vendor_spellings(
        self, api: ApiClient, project: dict[str, Any], sent: str, stored: str
    ) -> None:
        assert (await add(api, EXAMPLE | {"vendor": sent}))["vendor"] == stored

    async def test_vendor_left_out_is_any(self, api: ApiClient, project: dict[str, Any]) -> None:
        body = {key: value for key, value in EXAMPLE.items() if key != "vendor"}
        assert (await add(api, body))["vendor"] == "ANY"

    async def test_smart_tap_ids_are_kept_for_google(self, api: ApiClient, project: dict[str, Any]) -> None:
        made = await add(api, EXAMPLE | {"vendor": "GOOGLE", "smartTapIssuerId": "3388000000005375425",
                                         "smartTapCollectorId": "23405818"})  # fmt: skip
        assert (made["smartTapIssuerId"], made["smartTapCollectorId"]) == ("3388000000005375425", "23405818")

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"vendor": "nokia"}, "vendor"),
            ({"publicKeyPem": "not base64!"}, "publicKeyPem"),
            ({"keyVersion": "one"}, "keyVersion"),
            ({"color": "red"}, "color"),
        ],
    )
    async def test_bad_input_is_refused_by_name(
        self, api: ApiClient, project: dict[str, Any], change: dict[str, Any], field: str
    ) -> None:
        response = await api.post("/v1/project/id/shop/nfcMerchants", json=EXAMPLE | change)
        assert response.status_code == 400, response.text
        assert field in response.text
        assert (await api.get("/v1/project/id/shop/nfcMerchants")).json() == {"merchants": []}

    async def test_a_key_not_on_p256_is_refused(self, api: ApiClient, project: dict[str, Any]) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
        pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        response = await api.post(
            "/v1/project/id/shop/nfcMerchants", json=EXAMPLE | {"publicKeyPem": pem.decode()}
        )
        assert response.status_code == 400 and "P-256" in response.text

    async def test_a_pem_key_loses_its_armour(self, api: ApiClient, project: dict[str, Any]) -> None:
        key = ec.generate_private_key(ec.SECP256R1()).public_key()
        pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        made = await add(api, EXAMPLE | {"publicKeyPem": pem.decode()})
        assert "BEGIN" not in made["publicKeyPem"] and der(made["publicKeyPem"]) == der(
            "".join(pem.decode().splitlines()[1:-1])
        )


class TestUpdateAndDelete:
    async def test_update_changes_name_and_email_only(self, api: ApiClient, project: dict[str, Any]) -> None:
        made = await add(api, EXAMPLE)
        path = f"/v1/project/id/shop/nfcMerchants/{made['merchantId']}"
        response = await api.put(
            path, json={"merchantName": "Example Merchant", "merchantEmail": "m@example.com"}
        )
        assert response.status_code == 200, response.text
        assert (response.json()["merchantName"], response.json()["merchantEmail"]) == (
            "Example Merchant", "m@example.com",
        )  # fmt: skip
        assert response.json()["publicKeyPem"] == COMPRESSED
        refused = await api.put(path, json={"publicKeyPem": COMPRESSED})
        assert refused.status_code == 400 and "publicKeyPem" in refused.text

    async def test_delete(self, api: ApiClient, project: dict[str, Any]) -> None:
        made = await add(api, EXAMPLE)
        path = f"/v1/project/{project['id']}/nfcMerchants/{made['merchantId']}"
        response = await api.delete(path)
        assert response.status_code == 200
        assert (
            set(response.json()) == {"merchantId", "updatedAt"}
            and response.json()["merchantId"] == made["merchantId"]
        )
        assert (await api.get(path)).status_code == 404
        assert (await api.delete(path)).status_code == 404

    async def test_unknown_merchants_and_foreign_projects_are_404(
        self, api: ApiClient, new_api: ApiFactory, project: dict[str, Any]
    ) -> None:
        made = await add(api, EXAMPLE)
        assert (await api.get("/v1/project/id/shop/nfcMerchants/not-a-uuid")).status_code == 404
        other = await new_api()
        assert (await other.get(f"/v1/project/{project['id']}/nfcMerchants")).status_code == 404
        path = f"/v1/project/{project['id']}/nfcMerchants/{made['merchantId']}"
        assert (await other.get(path)).status_code == 404
