"""Google credentials on ``/v1/certificates``: a service account's key file and the issuer it acts for."""

from __future__ import annotations

import base64
import json

import pytest

from passmint.certificates.google_accounts import project_google_account
from passmint.config import Settings
from passmint.db import Database
from passmint.google import ServiceAccount, make_development_account
from passmint.models import Project
from tests.certificates.conftest import Upload
from tests.certificates.test_endpoints import add as add_apple
from tests.conftest import ApiClient

ISSUER = "3388000000012345678"


@pytest.fixture(scope="module")
def service_account() -> ServiceAccount:
    return make_development_account(ISSUER)


def google_body(account: ServiceAccount, **changes: object) -> dict[str, object]:
    key_file = base64.b64encode(account.key_file()).decode()
    return {"vendor": "Google", "certificate": key_file, "issuerId": ISSUER, "name": "wallet"} | changes


class TestGoogleCredential:
    async def test_upload_answers_the_account_without_its_key(
        self, api: ApiClient, service_account: ServiceAccount
    ) -> None:
        response = await api.post("/v1/certificates", json=google_body(service_account))
        assert response.status_code == 201, response.text
        read = response.json()
        assert read["vendor"] == "Google" and read["issuerId"] == ISSUER
        assert read["serviceAccountEmail"] == service_account.client_email
        assert read["keyId"] == service_account.private_key_id
        assert read["default"] is True and read["expired"] is False
        assert "validityEnd" not in read
        listed = (await api.get("/v1/certificates", params={"vendor": "Google"})).text
        for text in (response.text, listed):
            assert "PRIVATE KEY" not in text and service_account.private_key_pem.decode()[40:80] not in text

    async def test_the_same_account_again_renews_in_place(
        self, api: ApiClient, service_account: ServiceAccount
    ) -> None:
        first = (await api.post("/v1/certificates", json=google_body(service_account))).json()
        again = await api.post("/v1/certificates", json=google_body(service_account, name="renamed"))
        assert again.status_code == 200
        assert again.json()["id"] == first["id"] and again.json()["name"] == "renamed"

    async def test_one_default_per_vendor(
        self, api: ApiClient, service_account: ServiceAccount, coupon_cert: Upload
    ) -> None:
        apple = await add_apple(api, coupon_cert)
        google = (await api.post("/v1/certificates", json=google_body(service_account))).json()
        other = make_development_account(ISSUER)
        other = ServiceAccount(ISSUER, "other@x.iam.gserviceaccount.com", "k2", other.private_key_pem)
        second = (await api.post("/v1/certificates", json=google_body(other, default=True))).json()
        assert apple["default"] is True and google["default"] is True and second["default"] is True
        listed = (await api.get("/v1/certificates")).json()["certificates"]
        defaults = {row["id"] for row in listed if row["default"]}
        assert defaults == {apple["id"], second["id"]}

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"issuerId": "issuer-1"}, "issuerId"),
            ({"issuerId": None}, "issuerId"),
            ({"certificate": base64.b64encode(b"not json").decode()}, "certificate"),
            (
                {"certificate": base64.b64encode(json.dumps({"type": "user"}).encode()).decode()},
                "certificate",
            ),
            ({"certificate": "%%%"}, "certificate"),
        ],
    )
    async def test_bad_uploads_name_the_field_and_write_nothing(
        self, api: ApiClient, service_account: ServiceAccount, change: dict[str, object], field: str
    ) -> None:
        response = await api.post("/v1/certificates", json=google_body(service_account, **change))
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == field
        assert (await api.get("/v1/certificates")).json()["count"] == 0

    async def test_a_long_service_account_email_is_kept_whole(
        self, api: ApiClient, service_account: ServiceAccount
    ) -> None:
        email = "a" * 30 + "@" + "b" * 30 + ".iam.gserviceaccount.com"
        long = ServiceAccount(ISSUER, email, "k", service_account.private_key_pem)
        response = await api.post("/v1/certificates", json=google_body(long))
        assert response.status_code == 201, response.text
        assert response.json()["serviceAccountEmail"] == email

    async def test_an_overlong_service_account_email_is_refused(
        self, api: ApiClient, service_account: ServiceAccount
    ) -> None:
        email = "a" * 300 + "@x.iam.gserviceaccount.com"
        overlong = ServiceAccount(ISSUER, email, "k", service_account.private_key_pem)
        response = await api.post("/v1/certificates", json=google_body(overlong))
        assert response.status_code == 400, response.text
        assert response.json()["details"][0]["field"] == "certificate"


class TestProjectGoogleAccount:
    async def test_project_uses_its_chosen_else_the_default_else_development(
        self, api: ApiClient, service_account: ServiceAccount, database: Database, settings: Settings
    ) -> None:
        project = (
            await api.post("/v1/project", json={"name": "p", "projectType": "loyalty", "description": "d"})
        ).json()
        development = await self._account(api, database, settings, project["id"])
        assert development.development
        credential = (await api.post("/v1/certificates", json=google_body(service_account))).json()
        chosen = await self._account(api, database, settings, project["id"])
        assert (chosen.client_email, chosen.issuer_id, chosen.development) == (
            service_account.client_email,
            ISSUER,
            False,
        )
        assert chosen.private_key_pem == service_account.private_key_pem
        other = ServiceAccount(
            ISSUER, "chosen@x.iam.gserviceaccount.com", "k3", service_account.private_key_pem
        )
        picked = (await api.post("/v1/certificates", json=google_body(other))).json()
        response = await api.put(f"/v1/project/{project['id']}", json={"googleCertificateId": picked["id"]})
        assert response.status_code == 200, response.text
        assert response.json()["googleCertificateId"] == picked["id"]
        assert (
            await self._account(api, database, settings, project["id"])
        ).client_email == other.client_email
        assert (await api.delete(f"/v1/certificates/{picked['id']}")).status_code == 409
        assert credential["default"] is True

    async def test_an_apple_certificate_is_no_google_credential(
        self, api: ApiClient, coupon_cert: Upload
    ) -> None:
        apple = await add_apple(api, coupon_cert)
        project = (
            await api.post("/v1/project", json={"name": "p", "projectType": "loyalty", "description": "d"})
        ).json()
        response = await api.put(f"/v1/project/{project['id']}", json={"googleCertificateId": apple["id"]})
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == "googleCertificateId"

    async def _account(
        self, api: ApiClient, database: Database, settings: Settings, project_id: int
    ) -> ServiceAccount:
        async with database.transaction() as session:
            project = await session.get(Project, project_id)
            assert project is not None
            return await project_google_account(session, api.account, project, settings)
