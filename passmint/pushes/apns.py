"""APNs client for Wallet pass updates: one long-lived HTTP/2 connection per Pass Type ID certificate.

The HTTP/2 connection is ``passmint.pushes.http2`` (on ``h2`` directly): with httpx, its per-request
machinery capped a client near 600 pushes a second, whatever the concurrency.
"""

from __future__ import annotations

import asyncio
import enum
import json
import os
import secrets
import ssl
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import certifi
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hpack import NeverIndexedHeaderTuple

from passmint.apple.signing import PassSigner
from passmint.pushes.http2 import TRANSPORT_ERRORS, Answer, Connection, Headers, StreamIdsExhausted

PRODUCTION = "https://api.push.apple.com"
DEVELOPMENT = "https://api.sandbox.push.apple.com"
DEFAULT_TIMEOUT = 10.0
TOKEN_REFRESH_SECONDS = 40 * 60
"""Apple wants a provider token refreshed no more than every 20 and no less than every 60 minutes."""
TOKEN_REFRESH_LIMITS = (20 * 60, 60 * 60)
PAYLOAD = b"{}"
"""Wallet ignores alert, badge and sound: the body of a pass update is an empty dictionary."""
UNREGISTERED_REASONS = frozenset({"BadDeviceToken", "Unregistered"})
_FIXED_HEADERS = ((b":method", b"POST"), (b":scheme", b"https"))
_CONTENT_TYPE = (b"content-type", b"application/json")


class PushOutcome(enum.Enum):
    """What to do with a registration after a push."""

    DELIVERED = "delivered"
    UNREGISTERED = "unregistered"  # end the registration
    RETRY = "retry"  # try again later, with backoff
    FAILED = "failed"  # retrying cannot help; keep the reason for the record


@dataclass(frozen=True)
class PushResult:
    """Apple's answer to one push; ``status`` is None when no answer came (connection error, timeout)."""

    outcome: PushOutcome
    status: int | None = None
    reason: str | None = None
    apns_id: str | None = None


class ApnsClient:
    """Pushes pass updates over one HTTP/2 connection; concurrent pushes share it as separate streams.

    The connection opens on the first push and again on the first push after it dropped."""

    def __init__(
        self,
        signer: PassSigner | None,
        *,
        base_url: str = PRODUCTION,
        ca_file: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """``signer`` gives the TLS client certificate; None only for token auth (see ``with_token``)."""
        context = ssl.create_default_context(cafile=certifi.where())
        if ca_file is not None:
            context.load_verify_locations(cafile=ca_file)
        if signer is not None:
            _load_client_certificate(context, signer)
        context.set_alpn_protocols(["h2"])
        url = urlsplit(base_url)
        if url.scheme != "https" or not url.hostname:
            raise ValueError("base_url must be an https:// URL")
        self._context = context
        self._host = url.hostname
        self._port = url.port or 443
        self._headers = (*_FIXED_HEADERS, (b":authority", url.netloc.encode()))
        self._timeout = timeout
        self._token: _ProviderToken | None = None
        self._connection: Connection | None = None
        self._opening = asyncio.Lock()
        self._closed = False

    @classmethod
    def with_token(
        cls,
        key_pem: bytes,
        key_id: str,
        team_id: str,
        *,
        base_url: str = PRODUCTION,
        ca_file: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        refresh_seconds: float = TOKEN_REFRESH_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> ApnsClient:
        """A client authenticating with a provider token signed by an APNs auth key (.p8, ES256)."""
        token = _ProviderToken(key_pem, key_id, team_id, refresh_seconds, clock)
        client = cls(None, base_url=base_url, ca_file=ca_file, timeout=timeout)
        client._token = token
        return client

    async def push(self, push_token: str, topic: str, *, apns_id: uuid.UUID | None = None) -> PushResult:
        """Tell the device holding ``push_token`` that passes of type ``topic`` changed.

        ``apns_id`` names the notification (the same on every attempt of one push); Apple answers with
        it, or with an id of its own when none is sent. The result's ``apns_id`` is the one Apple answered."""
        path = b"/3/device/" + quote(push_token, safe="").encode()
        headers: Headers = [
            *self._headers,
            NeverIndexedHeaderTuple(b":path", path),  # a token is used once: keep it out of HPACK's table
            (b"apns-topic", topic.encode()),
            _CONTENT_TYPE,
        ]
        if apns_id is not None:
            headers.append(NeverIndexedHeaderTuple(b"apns-id", str(apns_id).encode()))
        if self._token is not None:
            headers.append((b"authorization", b"bearer " + self._token.current().encode()))
        try:
            async with asyncio.timeout(self._timeout):
                answer = await self._request(headers)
        except TRANSPORT_ERRORS as error:
            return PushResult(PushOutcome.RETRY, reason=type(error).__name__)
        if answer.failure is not None:
            return PushResult(PushOutcome.RETRY, reason=answer.failure)
        result = classify(answer.status, _reason(answer.body), _apns_id(answer.headers))
        if self._token is not None and result.reason == "ExpiredProviderToken":
            self._token.expire()
            return PushResult(PushOutcome.RETRY, result.status, result.reason, result.apns_id)
        return result

    async def aclose(self) -> None:
        """Close the connection; pushes still waiting for an answer get RETRY."""
        self._closed = True
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    async def __aenter__(self) -> ApnsClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def _request(self, headers: Headers) -> Answer:
        """Send on the current connection; once its stream ids are used up, on a new one."""
        connection = self._connection
        if connection is None or not connection.usable:
            connection = await self._connect()
        try:
            return await connection.request(headers, PAYLOAD)
        except StreamIdsExhausted:
            return await (await self._connect()).request(headers, PAYLOAD)

    async def _connect(self) -> Connection:
        """The current connection if it is still usable, else a new one (one opening at a time)."""
        async with self._opening:
            if self._closed:
                raise RuntimeError("the APNs client is closed")
            connection = self._connection
            if connection is None or not connection.usable:
                connection = await Connection.open(self._host, self._port, self._context)
                self._connection = connection
            return connection


def classify(status: int, reason: str | None, apns_id: str | None = None) -> PushResult:
    """Sort Apple's answer into what the caller should do next."""
    if status == 200:
        outcome = PushOutcome.DELIVERED
    elif status == 410 or (status == 400 and reason in UNREGISTERED_REASONS):
        outcome = PushOutcome.UNREGISTERED
    elif status == 429 or status >= 500:
        outcome = PushOutcome.RETRY
    else:
        outcome = PushOutcome.FAILED
    return PushResult(outcome, status, reason, apns_id)


class _ProviderToken:
    """An ES256 provider JWT, reused until it is ``refresh_seconds`` old."""

    def __init__(
        self, key_pem: bytes, key_id: str, team_id: str, refresh_seconds: float, clock: Callable[[], float]
    ) -> None:
        low, high = TOKEN_REFRESH_LIMITS
        if not low <= refresh_seconds < high:
            raise ValueError(f"refresh_seconds must be at least {low} and below {high}")
        key = serialization.load_pem_private_key(key_pem, None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise ValueError("an APNs auth key is an elliptic-curve P-256 key")
        self._key = key
        self._key_id = key_id
        self._team_id = team_id
        self._refresh = refresh_seconds
        self._clock = clock
        self._value: str | None = None
        self._issued_at = 0.0

    def current(self) -> str:
        now = self._clock()
        if self._value is None or now - self._issued_at >= self._refresh:
            claims = {"iss": self._team_id, "iat": int(now)}
            self._value = jwt.encode(claims, self._key, algorithm="ES256", headers={"kid": self._key_id})
            self._issued_at = now
        return self._value

    def expire(self) -> None:
        self._value = None


def _load_client_certificate(context: ssl.SSLContext, signer: PassSigner) -> None:
    """Load the certificate and key into ``context``. OpenSSL reads them only from a file, so the key is
    written encrypted with a one-time password that never leaves memory, to a 0600 file in a private
    0700 directory, and the file is removed as soon as it has been read."""
    password = secrets.token_bytes(32)
    key = serialization.load_der_private_key(signer.private_key_der(), None)
    sealed = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password),
    )
    with tempfile.TemporaryDirectory(prefix="passmint-apns-") as directory:
        path = os.path.join(directory, "client.pem")
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(signer.certificate_pem + sealed)
            context.load_cert_chain(path, password=password)
        finally:
            os.unlink(path)


def _reason(body: bytes) -> str | None:
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return None
    reason = data.get("reason") if isinstance(data, dict) else None
    return reason if isinstance(reason, str) else None


def _apns_id(headers: Headers) -> str | None:
    for name, value in headers:
        if name == b"apns-id":
            return value.decode()
    return None
