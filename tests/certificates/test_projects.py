"""The certificate a project's passes are signed with (``appleCertificateId``)."""

from __future__ import annotations

import io
import uuid
import zipfile

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from tests.certificates.conftest import Upload
from tests.conftest import ApiClient, ApiFactory
from tests.factories import create_pass, create_project, create_template


async def upload(api: ApiClient, certificate: Upload, **changes: object) -> str:
    body = {"certificate": certificate.certificate, "password": certificate.password} | changes
    response = await api.post("/v1/certificates", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def signed_pass_type(api: ApiClient, project_id: int) -> str:
    template_id = await create_template(api, project_id)
    pass_ = await create_pass(api, template_id)
    return str((await api.get(f"/v1/pass/{pass_['id']}/viewJSONPass")).json()["passTypeIdentifier"])


class TestProjectCertificate:
    async def test_the_projects_certificate_signs_its_passes(
        self, api: ApiClient, coupon_cert: Upload, ticket_cert: Upload
    ) -> None:
        await upload(api, coupon_cert)  # the account's default
        ticket_id = await upload(api, ticket_cert)
        project = await create_project(api, appleCertificateId=ticket_id)
        assert project["appleCertificateId"] == ticket_id
        assert await signed_pass_type(api, project["id"]) == ticket_cert.pass_type_identifier
        other = await create_project(api)
        assert "appleCertificateId" not in other
        assert await signed_pass_type(api, other["id"]) == coupon_cert.pass_type_identifier

    async def test_cleared_with_null(self, api: ApiClient, coupon_cert: Upload, ticket_cert: Upload) -> None:
        await upload(api, coupon_cert)
        project = await create_project(api, appleCertificateId=await upload(api, ticket_cert))
        response = await api.put(f"/v1/project/{project['id']}", json={"appleCertificateId": None})
        assert response.status_code == 200 and "appleCertificateId" not in response.json()
        assert await signed_pass_type(api, project["id"]) == coupon_cert.pass_type_identifier

    async def test_unknown_or_foreign_certificate_is_400(
        self, api: ApiClient, new_api: ApiFactory, coupon_cert: Upload
    ) -> None:
        stranger = await new_api()
        foreign = await upload(stranger, coupon_cert)
        for certificate_id in (str(uuid.uuid4()), foreign):
            response = await api.post(
                "/v1/project",
                json={
                    "name": "n",
                    "projectType": "coupon",
                    "description": "",
                    "appleCertificateId": certificate_id,
                },
            )
            assert response.status_code == 400
            assert response.json()["details"][0]["field"] == "appleCertificateId"
        assert (await api.get("/v1/project")).json()["count"] == 0

    async def test_a_certificate_in_use_cannot_be_removed(self, api: ApiClient, coupon_cert: Upload) -> None:
        certificate_id = await upload(api, coupon_cert)
        project = await create_project(api, appleCertificateId=certificate_id)
        response = await api.delete(f"/v1/certificates/{certificate_id}")
        assert response.status_code == 409 and "projects" in response.json()["error"]
        copy = (await api.post(f"/v1/project/duplicate/{project['id']}")).json()
        assert copy["appleCertificateId"] == certificate_id


async def test_a_renewed_certificate_signs_the_pass_again(
    api: ApiClient, coupon_cert: Upload, coupon_cert_renewed: Upload
) -> None:
    """A signed pass is kept until anything it is made from changes; the certificate is one of them."""
    await upload(api, coupon_cert)
    pass_ = await create_pass(api, await create_template(api, (await create_project(api))["id"]))
    first = await api.get(f"/v1/pass/{pass_['id']}/download")
    assert (await api.get(f"/v1/pass/{pass_['id']}/download")).content == first.content
    body = {"certificate": coupon_cert_renewed.certificate, "password": coupon_cert_renewed.password}
    assert (await api.post("/v1/certificates", json=body)).status_code == 200  # the same identity: renewed
    second = await api.get(f"/v1/pass/{pass_['id']}/download")
    signed_by = [signer_of(response.content) for response in (first, second)]
    assert signed_by[0].not_valid_after_utc < signed_by[1].not_valid_after_utc
    assert signed_by[1].not_valid_after_utc == coupon_cert_renewed.not_valid_after


def signer_of(pkpass: bytes) -> x509.Certificate:
    """The Pass Type ID certificate in a .pkpass's signature (the one with a UID)."""
    signature = zipfile.ZipFile(io.BytesIO(pkpass)).read("signature")
    certificates = pkcs7.load_der_pkcs7_certificates(signature)
    return next(cert for cert in certificates if cert.subject.get_attributes_for_oid(NameOID.USER_ID))
