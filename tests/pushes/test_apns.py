"""The APNs client against the local stand-in: multiplexing, outcomes, client certificates, tokens."""

from __future__ import annotations

import asyncio
import json
import ssl
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from passmint.apple import PassSigner
from passmint.pushes.apns import ApnsClient, PushOutcome, PushResult, classify
from tests.apple.conftest import PASS_TYPE_ID, issue_test_chain
from tests.pushes.apns_standin import ApnsStandIn
from tests.support.waiting import poll

# issue_test_chain makes elliptic-curve certificates, much faster than make_dev_certificates' RSA ones;
# tests/apple/test_devcerts.py checks that the development certificate is accepted too.


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


async def test_the_notification_id_is_the_one_sent_else_apples(
    standin: ApnsStandIn, client: ApnsClient
) -> None:
    sent = uuid.uuid4()

    named = await client.push("a" * 64, PASS_TYPE_ID, apns_id=sent)
    unnamed = await client.push("b" * 64, PASS_TYPE_ID)

    assert standin.requests[0].headers["apns-id"] == str(sent)
    assert "apns-id" not in standin.requests[1].headers
    assert named.apns_id == str(sent)  # echoed, as Apple does
    assert unnamed.apns_id is not None and unnamed.apns_id != str(sent)
    assert str(uuid.UUID(unnamed.apns_id)).upper() == unnamed.apns_id  # a canonical UUID of the server's


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


async def test_the_next_push_reconnects_after_the_service_dropped_the_connection(
    standin: ApnsStandIn, client: ApnsClient
) -> None:
    assert (await client.push("before", PASS_TYPE_ID)).outcome is PushOutcome.DELIVERED
    await standin.stop()
    await standin.start(standin.port)

    result = await client.push("after", PASS_TYPE_ID)

    assert result.outcome is PushOutcome.DELIVERED
    assert standin.connections == 2
    assert [request.token for request in standin.requests] == ["before", "after"]


async def test_pushes_in_flight_on_a_dropped_connection_are_retried(
    standin: ApnsStandIn, client: ApnsClient
) -> None:
    standin.hold("silent")
    pushes = [asyncio.create_task(client.push("silent", PASS_TYPE_ID)) for _ in range(5)]
    await poll(lambda: standin.received == 5, "the stand-in has 5 requests", seconds=5)

    await standin.stop()

    async with asyncio.timeout(1):  # well before the client's timeout of 5 seconds
        results = await asyncio.gather(*pushes)
    for result in results:
        assert (result.outcome, result.status, result.apns_id) == (PushOutcome.RETRY, None, None)
        assert result.reason and result.reason != "TimeoutError"


async def test_a_push_without_an_answer_times_out_and_its_stream_is_reset(
    standin: ApnsStandIn, pass_signer: PassSigner
) -> None:
    standin.hold("silent")
    async with ApnsClient(pass_signer, base_url=standin.url, ca_file=standin.ca_file, timeout=0.3) as apns:
        result = await apns.push("silent", PASS_TYPE_ID)
        await poll(lambda: standin.resets == 1, "the stand-in reset a stream", seconds=5)
        later = await apns.push("other", PASS_TYPE_ID)

    assert result == PushResult(PushOutcome.RETRY, reason="TimeoutError")
    assert later.outcome is PushOutcome.DELIVERED
    assert standin.connections == 1


async def test_a_goaway_fails_pushes_in_flight_and_the_next_push_reconnects(
    standin: ApnsStandIn, client: ApnsClient
) -> None:
    standin.hold("silent")
    pushes = [asyncio.create_task(client.push("silent", PASS_TYPE_ID)) for _ in range(3)]
    await poll(lambda: standin.received == 3, "the stand-in has 3 requests", seconds=5)

    standin.go_away("Shutdown")
    results = await asyncio.gather(*pushes)
    later = await client.push("token", PASS_TYPE_ID)

    assert {(result.outcome, result.reason) for result in results} == {(PushOutcome.RETRY, "Shutdown")}
    assert later.outcome is PushOutcome.DELIVERED
    assert standin.connections == 2


async def test_many_pushes_share_one_connection_within_the_servers_stream_limit(
    chain: tuple[bytes, bytes, bytes], pass_signer: PassSigner
) -> None:
    tokens = [f"{index:064x}" for index in range(300)]
    async with (
        ApnsStandIn(chain[0], settings={"max_concurrent_streams": 10}) as standin,
        ApnsClient(pass_signer, base_url=standin.url, ca_file=standin.ca_file) as apns,
    ):
        results = await asyncio.gather(*(apns.push(token, PASS_TYPE_ID) for token in tokens))

        assert {result.outcome for result in results} == {PushOutcome.DELIVERED}
        assert sorted(request.token for request in standin.requests) == tokens
        assert standin.connections == 1
        assert 1 < standin.peak_streams <= 10


async def test_pushes_wait_for_the_server_to_raise_its_stream_limit(
    chain: tuple[bytes, bytes, bytes], pass_signer: PassSigner
) -> None:
    async with (
        ApnsStandIn(chain[0], settings={"max_concurrent_streams": 1}) as standin,
        ApnsClient(pass_signer, base_url=standin.url, ca_file=standin.ca_file) as apns,
    ):
        standin.hold("silent")
        held = asyncio.create_task(apns.push("silent", PASS_TYPE_ID))
        await poll(lambda: standin.received == 1, "the stand-in has a request", seconds=5)
        waiting = asyncio.create_task(apns.push("token", PASS_TYPE_ID))
        await asyncio.sleep(0.1)
        assert not waiting.done() and standin.received == 1

        standin.change_settings(max_concurrent_streams=2)

        assert (await waiting).outcome is PushOutcome.DELIVERED
        assert not held.done()
    assert (await held).outcome is PushOutcome.RETRY  # the client closed with it in flight


async def test_a_body_waits_for_the_server_to_open_its_flow_control_window(
    chain: tuple[bytes, bytes, bytes], pass_signer: PassSigner
) -> None:
    async with (
        ApnsStandIn(chain[0], settings={"initial_window_size": 0}) as standin,
        ApnsClient(pass_signer, base_url=standin.url, ca_file=standin.ca_file) as apns,
    ):
        pushes = [asyncio.create_task(apns.push(f"token{n}", PASS_TYPE_ID)) for n in range(3)]
        await asyncio.sleep(0.1)
        assert standin.received == 0 and not any(push.done() for push in pushes)

        standin.change_settings(initial_window_size=65_535)

        results = await asyncio.gather(*pushes)
    assert {result.outcome for result in results} == {PushOutcome.DELIVERED}
    assert [json.loads(request.body) for request in standin.requests] == [{}, {}, {}]


async def test_a_connection_out_of_stream_ids_is_replaced(standin: ApnsStandIn, client: ApnsClient) -> None:
    assert (await client.push("first", PASS_TYPE_ID)).outcome is PushOutcome.DELIVERED
    connection = client._connection
    assert connection is not None
    connection._h2.highest_outbound_stream_id = 2**31 - 3  # the next stream takes the last id

    outcomes = [(await client.push(f"token{n}", PASS_TYPE_ID)).outcome for n in range(3)]

    assert outcomes == [PushOutcome.DELIVERED] * 3
    assert standin.connections == 2
    assert client._connection is not connection and not connection.usable


async def test_a_server_that_does_not_speak_http2_is_refused(
    standin: ApnsStandIn, pass_signer: PassSigner
) -> None:
    plain = await _plain_tls_server(standin)
    try:
        url = f"https://127.0.0.1:{plain.sockets[0].getsockname()[1]}"
        async with ApnsClient(pass_signer, base_url=url, ca_file=standin.ca_file) as apns:
            result = await apns.push("token", PASS_TYPE_ID)
    finally:
        plain.close()
        await plain.wait_closed()

    assert result == PushResult(PushOutcome.RETRY, reason="ConnectionError")


async def _plain_tls_server(standin: ApnsStandIn) -> asyncio.Server:
    """A TLS server with the stand-in's certificate that offers no HTTP/2 (no ALPN)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(Path(standin.ca_file).with_name("server.pem"))

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    return await asyncio.start_server(hang_up, "127.0.0.1", 0, ssl=context)


async def test_the_standin_runs_as_a_process_of_its_own(
    chain: tuple[bytes, bytes, bytes], pass_signer: PassSigner, tmp_path: Path
) -> None:
    (tmp_path / "client-ca.pem").write_bytes(chain[0])
    ready = tmp_path / "ready.json"
    command = [
        "-m",
        "tests.pushes.apns_standin",
        "--port",
        "0",
        "--client-ca",
        str(tmp_path / "client-ca.pem"),
    ]
    process = await asyncio.create_subprocess_exec(
        sys.executable, *command, "--ready-file", str(ready), stdout=asyncio.subprocess.PIPE
    )
    try:
        await poll(ready.exists, "the stand-in process is ready", seconds=30)
        started = json.loads(ready.read_text())
        async with ApnsClient(pass_signer, base_url=started["url"], ca_file=started["ca_file"]) as apns:
            results = await asyncio.gather(*(apns.push(f"token{n}", PASS_TYPE_ID) for n in range(3)))
        trust = ssl.create_default_context(cafile=started["ca_file"])
        async with httpx.AsyncClient(verify=trust) as plain:
            stats = (await plain.get(started["stats_url"])).json()
    finally:
        process.terminate()
        output, _ = await process.communicate()

    assert {result.outcome for result in results} == {PushOutcome.DELIVERED}
    assert stats["pushes"] == 3 and stats["first_at"] <= stats["last_at"] <= time.time()
    assert process.returncode == 0
    assert json.loads(output) == stats


async def test_push_after_aclose_is_an_error(client: ApnsClient) -> None:
    await client.aclose()

    with pytest.raises(RuntimeError, match="closed"):
        await client.push("token", PASS_TYPE_ID)


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
