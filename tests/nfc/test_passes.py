"""Apple NFC passes take their key from the project's NFC merchant, and need an NFC-enabled certificate."""

from __future__ import annotations

from typing import Any

from tests.certificates.conftest import p12_upload
from tests.conftest import ApiClient
from tests.factories import create_project, create_template

NFC = {"message": "member 1234", "requiresAuthentication": True}


async def pass_json(api: ApiClient, pass_id: int) -> dict[str, Any]:
    response = await api.get(f"/v1/pass/{pass_id}/viewJSONPass")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_pass_without_a_key_takes_the_merchants(api: ApiClient) -> None:
    project = await create_project(api)
    template = await create_template(api, project["id"])
    merchant = await api.post(f"/v1/project/{project['id']}/nfcMerchants", json={"vendor": "APPLE"})
    made = await api.post(f"/v1/pass/{template}", json={"nfc": NFC})
    assert made.status_code == 200, made.text
    nfc = (await pass_json(api, made.json()["id"]))["nfc"]
    assert nfc == NFC | {"encryptionPublicKey": "".join(merchant.json()["publicKeyPem"].split())}

    updated = await api.put(f"/v1/pass/{made.json()['id']}", json={"nfc": {"message": "member 99"}})
    assert updated.status_code == 200, updated.text
    assert (await pass_json(api, made.json()["id"]))["nfc"]["message"] == "member 99"


async def test_a_key_sent_is_kept(api: ApiClient) -> None:
    project = await create_project(api)
    template = await create_template(api, project["id"])
    await api.post(f"/v1/project/{project['id']}/nfcMerchants", json={"vendor": "ANY"})
    own = "MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgADIAvHog/qg3dG4d0X0knYEIdvHnTXlk9SIm39iv1PM1w="
    made = await api.post(f"/v1/pass/{template}", json={"nfc": NFC | {"encryptionPublicKey": own}})
    assert (await pass_json(api, made.json()["id"]))["nfc"]["encryptionPublicKey"] == own


async def test_no_key_and_no_apple_merchant_is_refused_by_name(api: ApiClient) -> None:
    project = await create_project(api)
    template = await create_template(api, project["id"])
    await api.post(f"/v1/project/{project['id']}/nfcMerchants", json={"vendor": "GOOGLE"})
    response = await api.post(f"/v1/pass/{template}", json={"nfc": NFC})
    assert response.status_code == 400, response.text
    assert response.json()["details"][0]["field"] == "nfc.encryptionPublicKey"
    assert "nfcMerchants" in response.json()["error"]


async def test_apple_signs_nfc_passes_only_with_nfc_enabled_certificates(api: ApiClient) -> None:
    upload = p12_upload("pass.com.example.nfc", "TEAM000001")
    body = {"certificate": upload.certificate, "password": upload.password, "default": True}
    certificate = await api.post("/v1/certificates", json=body)
    assert certificate.status_code == 201, certificate.text
    project = await create_project(api)
    template = await create_template(api, project["id"])
    await api.post(f"/v1/project/{project['id']}/nfcMerchants", json={"vendor": "APPLE"})
    refused = await api.post(f"/v1/pass/{template}", json={"nfc": NFC})
    assert refused.status_code == 400, refused.text
    assert "only with NFC-enabled certificates" in refused.json()["error"]
    assert refused.json()["details"][0]["field"] == "nfc"
    certificate_id = certificate.json()["id"]
    enabled = await api.put(f"/v1/certificates/{certificate_id}", json={"nfcSupport": True})
    assert enabled.status_code == 200, enabled.text
    assert (await api.post(f"/v1/pass/{template}", json={"nfc": NFC})).status_code == 200
