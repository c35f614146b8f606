"""The APNs clients of a worker: by certificate, or one token client, and never the development
certificate towards Apple."""

from __future__ import annotations

from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from passmint.certificates.signers import DEV_PASS_TYPE_ID, dev_signer
from passmint.config import Settings
from passmint.pushes.apns import PushOutcome
from passmint.pushes.clients import ApnsClients
from tests.pushes.apns_standin import ApnsStandIn
from tests.pushes.conftest import pushing_to


async def test_one_client_per_certificate(settings: Settings, apns: ApnsStandIn) -> None:
    clients = ApnsClients(pushing_to(settings, apns))
    signer = dev_signer(settings.data_dir)
    try:
        client = clients.for_signer(signer)
        assert client is not None and clients.for_signer(signer) is client
        assert (await client.push("a" * 64, DEV_PASS_TYPE_ID)).outcome is PushOutcome.DELIVERED
    finally:
        await clients.aclose()


def test_the_development_certificate_gets_no_client_for_apple(settings: Settings) -> None:
    for url in ("https://api.push.apple.com", "https://api.sandbox.push.apple.com"):
        clients = ApnsClients(settings.model_copy(update={"apns_url": url}))
        assert clients.for_signer(dev_signer(settings.data_dir)) is None


async def test_an_auth_key_pushes_with_a_provider_token(settings: Settings, tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    key_file = tmp_path / "AuthKey_KEY1234567.p8"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    async with ApnsStandIn(None) as standin:  # token auth: no client certificate
        token_settings = pushing_to(settings, standin).model_copy(
            update={"apns_key_file": key_file, "apns_key_id": "KEY1234567", "apns_team_id": "TEAM123456"}
        )
        clients = ApnsClients(token_settings)
        try:
            client = clients.for_signer(dev_signer(settings.data_dir))
            assert client is not None
            assert (await client.push("b" * 64, DEV_PASS_TYPE_ID)).outcome is PushOutcome.DELIVERED
        finally:
            await clients.aclose()
    (request,) = standin.requests
    token = request.headers["authorization"].removeprefix("bearer ")
    assert jwt.get_unverified_header(token)["kid"] == "KEY1234567"
    assert jwt.decode(token, key.public_key(), algorithms=["ES256"])["iss"] == "TEAM123456"
