"""``/v1/certificates`` through the real app and database."""

from __future__ import annotations

import base64

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, pkcs12
from sqlalchemy import func, select

from passmint.db import Database
from passmint.kit.time import format_utc
from passmint.models import Certificate
from tests.certificates.conftest import Upload
from tests.conftest import ApiFactory

READ_FIELDS = {
    "id",
    "vendor",
    "name",
    "comment",
    "baseName",
    "teamIdentifier",
    "nfcSupport",
    "enabled",
    "default",
    "expired",
    "validityStart",
    "validityEnd",
    "templates",
    "createdAt",
    "updatedAt",
}


def body(upload: Upload, **changes: object) -> dict[str, object]:
    """The reference's example request, with a real certificate."""
    return {
        "vendor": "Apple",
        "name": "editable name",
        "certificate": upload.certificate,
        "comment": "something about this cert",
        "enabled": True,
        "default": False,
        "password": upload.password,
    } | changes


async def add(api: httpx.AsyncClient, upload: Upload, **changes: object) -> dict[str, object]:
    response = await api.post("/v1/certificates", json=body(upload, **changes))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def stored_count(database: Database) -> int:
    async with database.transaction() as session:
        return await session.scalar(select(func.count()).select_from(Certificate)) or 0


class TestAddCertificate:
    async def test_reference_example(self, api: httpx.AsyncClient, coupon_cert: Upload) -> None:
        certificate = await add(api, coupon_cert)
        assert set(certificate) == READ_FIELDS
        assert certificate["baseName"] == coupon_cert.pass_type_identifier
        assert certificate["teamIdentifier"] == coupon_cert.team_identifier
        assert certificate["validityEnd"] == format_utc(coupon_cert.not_valid_after)
        assert certificate["expired"] is False
        assert certificate["default"] is True  # the account's first certificate
        assert (certificate["name"], certificate["comment"], certificate["enabled"]) == (
            "editable name",
            "something about this cert",
            True,
        )

    async def test_secrets_never_come_back(self, api: httpx.AsyncClient, coupon_cert: Upload) -> None:
        certificate = await add(api, coupon_cert)
        for response in (
            await api.get(f"/v1/certificates/{certificate['id']}"),
            await api.get("/v1/certificates"),
        ):
            assert "BEGIN" not in response.text
            assert str(coupon_cert.password) not in response.text
            assert coupon_cert.certificate[:40] not in response.text

    async def test_private_key_is_sealed_at_rest(self, api: httpx.AsyncClient, database: Database) -> None:
        from tests.certificates.conftest import p12_upload

        upload = p12_upload("pass.com.example.sealed", "TEAM000009")
        await add(api, upload)
        async with database.transaction() as session:
            row = await session.scalar(select(Certificate))
        assert row is not None
        key, _certificate, _chain = pkcs12.load_key_and_certificates(
            base64.b64decode(upload.certificate), upload.password.encode() if upload.password else None
        )
        assert key is not None
        for encoding, form in ((Encoding.PEM, PrivateFormat.PKCS8), (Encoding.DER, PrivateFormat.PKCS8),
                               (Encoding.DER, PrivateFormat.TraditionalOpenSSL)):  # fmt: skip
            plain = key.private_bytes(encoding, form, NoEncryption())
            assert plain[-64:] not in row.sealed_private_key  # no part of the key in the clear

    async def test_second_certificate_is_not_default_unless_asked(
        self, api: httpx.AsyncClient, coupon_cert: Upload, ticket_cert: Upload
    ) -> None:
        first = await add(api, coupon_cert)
        second = await add(api, ticket_cert)
        assert second["default"] is False
        assert (await api.get(f"/v1/certificates/{first['id']}")).json()["default"] is True

    async def test_default_moves(
        self, api: httpx.AsyncClient, coupon_cert: Upload, ticket_cert: Upload
    ) -> None:
        first = await add(api, coupon_cert)
        second = await add(api, ticket_cert, default=True)
        assert second["default"] is True
        assert (await api.get(f"/v1/certificates/{first['id']}")).json()["default"] is False

    async def test_same_pass_type_and_team_renews(
        self, api: httpx.AsyncClient, database: Database, coupon_cert: Upload, coupon_cert_renewed: Upload
    ) -> None:
        first = await add(api, coupon_cert)
        response = await api.post("/v1/certificates", json=body(coupon_cert_renewed, name="renewed"))
        assert response.status_code == 200
        renewed = response.json()
        assert renewed["id"] == first["id"]
        assert renewed["name"] == "renewed"
        assert renewed["validityEnd"] == format_utc(coupon_cert_renewed.not_valid_after)
        assert renewed["validityEnd"] > first["validityEnd"]
        assert await stored_count(database) == 1

    async def test_pem_upload(self, api: httpx.AsyncClient, pem_upload: Upload) -> None:
        certificate = await add(api, pem_upload)
        assert certificate["baseName"] == pem_upload.pass_type_identifier

    async def test_wrong_password(
        self, api: httpx.AsyncClient, database: Database, coupon_cert: Upload
    ) -> None:
        response = await api.post("/v1/certificates", json=body(coupon_cert, password="wrong"))
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == "password"
        assert "password" in response.json()["error"]
        assert await stored_count(database) == 0

    @pytest.mark.parametrize("certificate", ["not base64 at all!", base64.b64encode(b"garbage").decode()])
    async def test_not_a_p12(self, api: httpx.AsyncClient, coupon_cert: Upload, certificate: str) -> None:
        response = await api.post("/v1/certificates", json=body(coupon_cert, certificate=certificate))
        assert response.status_code == 400
        assert response.json()["error_code"] == "certificate_invalid"

    async def test_expired(self, api: httpx.AsyncClient, database: Database, expired_cert: Upload) -> None:
        response = await api.post("/v1/certificates", json=body(expired_cert))
        assert response.status_code == 400
        assert "expired" in response.json()["error"]
        assert await stored_count(database) == 0

    async def test_not_a_pass_type_id_certificate(self, api: httpx.AsyncClient, tls_cert: str) -> None:
        response = await api.post("/v1/certificates", json={"certificate": tls_cert})
        assert response.status_code == 400
        assert "not a Pass Type ID certificate" in response.json()["error"]

    @pytest.mark.parametrize(("field", "value"), [("vendor", "Samsung"), ("enabled", "maybe"), ("colour", 1)])
    async def test_bad_fields(
        self, api: httpx.AsyncClient, coupon_cert: Upload, field: str, value: object
    ) -> None:
        response = await api.post("/v1/certificates", json=body(coupon_cert, **{field: value}))
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == field

    async def test_missing_certificate(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/v1/certificates", json={"name": "x"})
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == "certificate"


class TestGetCertificate:
    async def test_found(self, api: httpx.AsyncClient, coupon_cert: Upload) -> None:
        certificate = await add(api, coupon_cert)
        response = await api.get(f"/v1/certificates/{certificate['id']}")
        assert response.status_code == 200 and response.json() == certificate

    async def test_unknown_is_404(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/v1/certificates/9d9d28f2-4f63-44fc-82d2-ba101d2c4fd9")
        assert response.status_code == 404
        assert response.json()["error_code"] == "certificate_not_found"

    async def test_malformed_id_is_400(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/v1/certificates/12345")
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == "certificateId"

    async def test_another_accounts_is_404(self, new_api: ApiFactory, coupon_cert: Upload) -> None:
        owner, stranger = await new_api(), await new_api()
        certificate = await add(owner, coupon_cert)
        path = f"/v1/certificates/{certificate['id']}"
        assert (await stranger.get(path)).status_code == 404
        assert (await stranger.put(path, json={"name": "mine"})).status_code == 404
        assert (await stranger.delete(path)).status_code == 404
        assert (await stranger.get("/v1/certificates")).json()["count"] == 0


class TestUpdateCertificate:
    async def test_name_and_comment_left_out_are_removed(
        self, api: httpx.AsyncClient, coupon_cert: Upload
    ) -> None:
        certificate = await add(api, coupon_cert)
        updated = (await api.put(f"/v1/certificates/{certificate['id']}", json={"enabled": False})).json()
        assert "name" not in updated and "comment" not in updated
        assert updated["enabled"] is False
        assert updated["default"] is True

    async def test_null_keeps_name_and_comment(self, api: httpx.AsyncClient, coupon_cert: Upload) -> None:
        certificate = await add(api, coupon_cert)
        updated = (
            await api.put(f"/v1/certificates/{certificate['id']}", json={"name": None, "comment": "new"})
        ).json()
        assert updated["name"] == "editable name"
        assert updated["comment"] == "new"
        assert updated["updatedAt"] > certificate["updatedAt"]
        assert updated["createdAt"] == certificate["createdAt"]

    async def test_cannot_unset_the_default(self, api: httpx.AsyncClient, coupon_cert: Upload) -> None:
        certificate = await add(api, coupon_cert)
        response = await api.put(
            f"/v1/certificates/{certificate['id']}", json={"default": False, "name": "x"}
        )
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == "default"
        assert (await api.get(f"/v1/certificates/{certificate['id']}")).json()["name"] == "editable name"

    async def test_setting_default_moves_it(
        self, api: httpx.AsyncClient, coupon_cert: Upload, ticket_cert: Upload
    ) -> None:
        first, second = await add(api, coupon_cert), await add(api, ticket_cert)
        response = await api.put(f"/v1/certificates/{second['id']}", json={"default": True})
        assert response.json()["default"] is True
        assert (await api.get(f"/v1/certificates/{first['id']}")).json()["default"] is False

    async def test_new_certificate_file(
        self, api: httpx.AsyncClient, coupon_cert: Upload, coupon_cert_renewed: Upload
    ) -> None:
        certificate = await add(api, coupon_cert)
        response = await api.put(
            f"/v1/certificates/{certificate['id']}",
            json={"certificate": coupon_cert_renewed.certificate, "password": coupon_cert_renewed.password},
        )
        assert response.status_code == 200
        assert response.json()["validityEnd"] == format_utc(coupon_cert_renewed.not_valid_after)

    async def test_new_file_clashing_with_another_certificate_is_409(
        self, api: httpx.AsyncClient, coupon_cert: Upload, ticket_cert: Upload
    ) -> None:
        first = await add(api, coupon_cert)
        await add(api, ticket_cert)
        response = await api.put(
            f"/v1/certificates/{first['id']}",
            json={"certificate": ticket_cert.certificate, "password": ticket_cert.password},
        )
        assert response.status_code == 409
        assert (await api.get(f"/v1/certificates/{first['id']}")).json()[
            "baseName"
        ] == coupon_cert.pass_type_identifier


class TestDeleteCertificate:
    async def test_removed(self, api: httpx.AsyncClient, coupon_cert: Upload) -> None:
        certificate = await add(api, coupon_cert)
        response = await api.delete(f"/v1/certificates/{certificate['id']}")
        assert response.status_code == 204 and response.content == b""
        assert (await api.get(f"/v1/certificates/{certificate['id']}")).status_code == 404

    async def test_default_with_others_left_is_409(
        self, api: httpx.AsyncClient, coupon_cert: Upload, ticket_cert: Upload
    ) -> None:
        default = await add(api, coupon_cert)
        other = await add(api, ticket_cert)
        assert (await api.delete(f"/v1/certificates/{default['id']}")).status_code == 409
        assert (await api.delete(f"/v1/certificates/{other['id']}")).status_code == 204
        assert (await api.delete(f"/v1/certificates/{default['id']}")).status_code == 204


class TestListCertificates:
    async def test_paging_and_next_page(
        self, api: httpx.AsyncClient, coupon_cert: Upload, ticket_cert: Upload, pem_upload: Upload
    ) -> None:
        for upload in (coupon_cert, ticket_cert, pem_upload):
            await add(api, upload)
        first = (await api.get("/v1/certificates", params={"pageSize": 2, "order": "createdAt"})).json()
        assert first["count"] == 3 and len(first["certificates"]) == 2
        assert first["pagination"] == {
            "order": "createdAt",
            "page": 1,
            "start": 0,
            "direction": "DESC",
            "pageSize": 2,
        }
        second = (await api.get(first["nextPage"])).json()
        assert len(second["certificates"]) == 1 and "nextPage" not in second
        names = {c["baseName"] for c in first["certificates"] + second["certificates"]}
        assert names == {
            coupon_cert.pass_type_identifier,
            ticket_cert.pass_type_identifier,
            pem_upload.pass_type_identifier,
        }

    async def test_enabled_filter(
        self, api: httpx.AsyncClient, coupon_cert: Upload, ticket_cert: Upload
    ) -> None:
        await add(api, coupon_cert)
        await add(api, ticket_cert, enabled=False)
        enabled = (await api.get("/v1/certificates", params={"enabled": "true"})).json()
        disabled = (await api.get("/v1/certificates", params={"enabled": "false", "vendor": "Apple"})).json()
        assert [c["baseName"] for c in enabled["certificates"]] == [coupon_cert.pass_type_identifier]
        assert [c["baseName"] for c in disabled["certificates"]] == [ticket_cert.pass_type_identifier]
