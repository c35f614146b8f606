"""The APNs client against the local stand-in: multiplexing, outcomes, client certificates, tokens."""

from __future__ import annotations

import asyncio
import json
import ssl
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from passmint.apple import PassSigner
from passmint.apple.apns import ApnsClient, PushOutcome, PushResult, classify
from tests.apple.apns_standin import ApnsStandIn
from tests.apple.conftest import PASS_TYPE_ID, issue_test_chain

# make_dev_certificates' Pass Type ID certificate carries only Apple's pass-signing extended key usage,
# which OpenSSL refuses as a TLS client certificate ("unsuitable certificate purpose"); the chain from
# issue_test_chain has no extended key usage, so it serves as the client certificate here.


@pytest.fixture(scope="module")
def chain() -> tuple[bytes, bytes, bytes]:
    return issue_test_chain()


@pytest.fixture(scope="module")
def pass_signer(chain: tuple[bytes, bytes, bytes]) -> PassSigner:
    issuer, leaf, key = chain
    return PassSigner.from_pem(leaf, key, issuer)


@pytest.fixture
async def standin(chain: tuple[bytes, bytes, bytes]) -> AsyncIterator[ApnsStandIn]:
    async with ApnsStandIn(chain[0]) as server:
        yield server


@pytest.fixture
async def client(standin: ApnsStandIn, pass_signer: PassSigner) -> AsyncIterator[ApnsClient]:
    async with ApnsClient(pass_signer, base_url=standin.url, ca_file=standin.ca_file, timeout=5) as apns:
        yield apns


async def test_concurrent_pushes_share_one_connection(standin: ApnsStandIn, client: ApnsClient) -> None:
    tokens = [f"{index:064x}" for index in range(50)]

    results = await asyncio.gather(*(client.push(token, PASS_TYPE_ID) for token in tokens))

    assert {result.outcome for result in results} == {PushOutcome.DELIVERED}
    assert all(result.status == 200 and result.apns_id for result in results)
    assert sorted(request.token for request in standin.requests) == tokens
    for request in standin.requests:
        assert request.method == "POST"
        assert request.topic == PASS_TYPE_ID
        assert request.client_uid == PASS_TYPE_ID
        assert json.loads(request.body) == {}
        assert "authorization" not in request.headers
    assert standin.connections == 1


@pytest.mark.parametrize(
    ("status", "reason", "outcome"),
    [
        (410, "Unregistered", PushOutcome.UNREGISTERED),
        (400, "BadDeviceToken", PushOutcome.UNREGISTERED),
        (429, "TooManyRequests", PushOutcome.RETRY),
        (500, "InternalServerError", PushOutcome.RETRY),
        (503, "ServiceUnavailable", PushOutcome.RETRY),
        (400, "DeviceTokenNotForTopic", PushOutcome.FAILED),
        (403, "BadCertificate", PushOutcome.FAILED),
    ],
)
async def test_scripted_answers_are_classified(
    standin: ApnsStandIn, client: ApnsClient, status: int, reason: str, outcome: PushOutcome
) -> None:
    standin.respond("scripted", status, reason)

    result = await client.push("scripted", PASS_TYPE_ID)

    assert (result.outcome, result.status, result.reason) == (outcome, status, reason)
    assert result.apns_id


async def test_a_scripted_answer_can_end_after_some_requests(
    standin: ApnsStandIn, client: ApnsClient
) -> None:
    standin.respond("busy", 429, "TooManyRequests", times=2)

    outcomes = [(await client.push("busy", PASS_TYPE_ID)).outcome for _ in range(3)]

    assert outcomes == [PushOutcome.RETRY, PushOutcome.RETRY, PushOutcome.DELIVERED]


async def test_a_wrong_topic_is_refused(standin: ApnsStandIn, client: ApnsClient) -> None:
    result = await client.push("token", "pass.com.example.other")

    assert result == PushResult(PushOutcome.FAILED, 400, "TopicDisallowed", result.apns_id)
    assert standin.requests[0].topic == "pass.com.example.other"


async def test_an_unreachable_service_means_retry(standin: ApnsStandIn, client: ApnsClient) -> None:
    assert (await client.push("token", PASS_TYPE_ID)).outcome is PushOutcome.DELIVERED
    await standin.stop()

    for _ in range(2):  # the dropped connection, then a refused one
        result = await client.push("token", PASS_TYPE_ID)
        assert (result.outcome, result.status, result.apns_id) == (PushOutcome.RETRY, None, None)
        assert result.reason


async def test_a_client_without_the_certificate_is_refused(standin: ApnsStandIn) -> None:
    trust = ssl.create_default_context(cafile=standin.ca_file)
    async with httpx.AsyncClient(http2=True, verify=trust) as plain:
        with pytest.raises(httpx.TransportError):
            await plain.post(
                f"{standin.url}/3/device/token", content=b"{}", headers={"apns-topic": PASS_TYPE_ID}
            )

    assert await standin.refusals() == 1
    assert standin.requests == []


async def test_a_certificate_from_another_issuer_is_refused(standin: ApnsStandIn) -> None:
    issuer, leaf, key = issue_test_chain()
    stranger = PassSigner.from_pem(leaf, key, issuer)
    async with ApnsClient(stranger, base_url=standin.url, ca_file=standin.ca_file) as apns:
        result = await apns.push("token", PASS_TYPE_ID)

    assert result.outcome is PushOutcome.RETRY and result.status is None
    assert await standin.refusals() == 1
    assert standin.requests == []


async def test_the_key_is_not_left_on_disk(
    pass_signer: PassSigner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    async with ApnsClient(pass_signer):
        assert _entries(tmp_path) == []


def _entries(directory: Path) -> list[Path]:
    return list(directory.iterdir())


class _Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def auth_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _bearer(standin: ApnsStandIn, index: int) -> str:
    scheme, _, token = standin.requests[index].headers["authorization"].partition(" ")
    assert scheme == "bearer"
    return token


async def test_token_auth_signs_and_reuses_a_provider_token(auth_key: ec.EllipticCurvePrivateKey) -> None:
    clock = _Clock()
    async with ApnsStandIn(None) as standin:
        apns = ApnsClient.with_token(
            _key_pem(auth_key),
            "KEY1234567",
            "TEAM123456",
            base_url=standin.url,
            ca_file=standin.ca_file,
            clock=clock,
        )
        async with apns:
            first = await apns.push("token", PASS_TYPE_ID)
            clock.now += 39 * 60
            await apns.push("token", PASS_TYPE_ID)
            clock.now += 2 * 60
            await apns.push("token", PASS_TYPE_ID)

        assert first.outcome is PushOutcome.DELIVERED
        tokens = [_bearer(standin, index) for index in range(3)]
        assert tokens[0] == tokens[1] != tokens[2]
        assert standin.connections == 1
        assert standin.requests[0].client_uid is None

    assert jwt.get_unverified_header(tokens[0]) == {"alg": "ES256", "kid": "KEY1234567", "typ": "JWT"}
    claims = jwt.decode(tokens[0], auth_key.public_key(), algorithms=["ES256"])
    assert claims["iss"] == "TEAM123456"
    assert abs(claims["iat"] - time.time()) < 60
    later = jwt.decode(tokens[2], auth_key.public_key(), algorithms=["ES256"], options={"verify_iat": False})
    assert later["iat"] - claims["iat"] == 41 * 60


async def test_an_expired_provider_token_is_replaced(auth_key: ec.EllipticCurvePrivateKey) -> None:
    async with ApnsStandIn(None) as standin:
        standin.respond("token", 403, "ExpiredProviderToken", times=1)
        key = _key_pem(auth_key)
        async with ApnsClient.with_token(
            key, "K", "T", base_url=standin.url, ca_file=standin.ca_file
        ) as apns:
            first = await apns.push("token", PASS_TYPE_ID)
            second = await apns.push("token", PASS_TYPE_ID)

        assert (first.outcome, second.outcome) == (PushOutcome.RETRY, PushOutcome.DELIVERED)
        assert _bearer(standin, 0) != _bearer(standin, 1)


def test_token_refresh_must_stay_within_apples_window(auth_key: ec.EllipticCurvePrivateKey) -> None:
    for seconds in (10 * 60, 60 * 60):
        with pytest.raises(ValueError, match="refresh_seconds"):
            ApnsClient.with_token(_key_pem(auth_key), "K", "T", refresh_seconds=seconds)


def test_classify_without_a_body() -> None:
    assert classify(200, None, "id") == PushResult(PushOutcome.DELIVERED, 200, None, "id")
    assert classify(410, None).outcome is PushOutcome.UNREGISTERED
    assert classify(400, None).outcome is PushOutcome.FAILED
    assert classify(413, "PayloadTooLarge").outcome is PushOutcome.FAILED
