"""Standard Webhooks signatures of callbacks: HMAC-SHA256 over the delivery id, the timestamp and the body."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24
VERSION = "v1"
TOLERANCE = 300
"""Seconds a receiver should accept between a delivery's timestamp and its own clock."""


def new_secret() -> str:
    """A fresh signing secret, ``whsec_`` followed by the base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key a secret stands for: the base64 after ``whsec_`` (the prefix is optional), decoded."""
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as error:
        raise ValueError("a signing secret is 'whsec_' followed by base64") from error


def sign(secret: str, delivery_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value: ``v1,<base64 of HMAC-SHA256 of "id.timestamp.body">``."""
    signed = f"{delivery_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return f"{VERSION},{base64.b64encode(digest).decode('ascii')}"


def verify(
    secret: str,
    delivery_id: str,
    timestamp: int,
    body: bytes,
    signature_header: str,
    *,
    now: int | None = None,
    tolerance: int = TOLERANCE,
) -> bool:
    """Whether one of the space-separated signatures in ``signature_header`` is ours for this delivery,
    and, when ``now`` is given, the timestamp is within ``tolerance`` seconds of it."""
    if now is not None and abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, delivery_id, timestamp, body).encode()
    return any(hmac.compare_digest(candidate.encode(), expected) for candidate in signature_header.split())
