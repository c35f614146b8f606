"""Google Wallet's save and delete callbacks, verified as Google signs them (``ECv2SigningOnly``).

Google POSTs ``{"signature", "intermediateSigningKey": {"signedKey", "signatures"}, "protocolVersion",
"signedMessage"}``. A root key Google publishes (``parse_root_keys``) signs the intermediate key;
the intermediate key signs the message. Each signed text is ``signed_data(...)``: per part, its UTF-8
length as 4 bytes little-endian, then the bytes. Signatures are ECDSA P-256 SHA-256, DER, base64.

- intermediate key: ``signed_data(sender, "ECv2SigningOnly", signedKey)``
- message: ``signed_data(sender, recipient, "ECv2SigningOnly", signedMessage)``; the recipient is the
  issuer id, the prefix of the message's ``classId``.

Sender ``GooglePayPasses`` (``GoogleWalletPasses`` on newer pages): either is accepted.
https://developers.google.com/wallet/generic/use-cases/use-callbacks-for-saves-and-deletions
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from passmint.google.errors import GoogleCallbackRefused, UnknownSigningKey

PROTOCOL = "ECv2SigningOnly"
SENDERS = ("GooglePayPasses", "GoogleWalletPasses")
EVENTS = ("save", "del")
MAX_TEXT = 255
"""The longest id or nonce taken (Google's are far shorter; registrations keep a class id)."""

Event = Literal["save", "del"]


@dataclass(frozen=True)
class RootKey:
    """One of Google's root signing keys, valid until ``expires_ms`` (ms since the epoch; None: no end)."""

    public_key: ec.EllipticCurvePublicKey
    expires_ms: int | None


@dataclass(frozen=True)
class Envelope:
    """A callback as Google sends it, its parts still unverified."""

    signature: str
    signed_key: str
    key_signatures: tuple[str, ...]
    protocol_version: str
    signed_message: str


@dataclass(frozen=True)
class SavedOrDeleted:
    """A verified callback: the object ``objectId`` of class ``classId`` was saved or deleted."""

    class_id: str
    object_id: str
    event: Event
    expires_ms: int
    nonce: str
    count: int | None

    @property
    def issuer_id(self) -> str:
        """The issuer the message names (the prefix of ``classId``): the recipient it must be signed for."""
        return self.class_id.partition(".")[0]


def signed_data(*parts: str) -> bytes:
    """The bytes Google signs: each part's UTF-8 length (4 bytes, little-endian), then the part."""
    return b"".join(struct.pack("<I", len(encoded)) + encoded for encoded in (p.encode() for p in parts))


def parse_root_keys(document: Any) -> list[RootKey]:
    """The ``ECv2SigningOnly`` keys of Google's key document ``{"keys": [{keyValue, protocolVersion,
    keyExpiration}]}``; a key that cannot be read is left out."""
    entries = document.get("keys") if isinstance(document, dict) else None
    keys = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("protocolVersion") != PROTOCOL:
            continue
        try:
            public_key = _public_key(entry.get("keyValue"))
            expires = entry.get("keyExpiration")
            keys.append(RootKey(public_key, None if expires is None else _millis(expires)))
        except GoogleCallbackRefused:
            continue
    return keys


def check(envelope: Envelope, *, now_ms: int) -> SavedOrDeleted:
    """The callback's message, unverified, once what needs no key passes: the protocol, the message and
    the intermediate key readable, neither expired (so that no key is fetched for junk)."""
    if envelope.protocol_version != PROTOCOL:
        raise GoogleCallbackRefused(f"protocolVersion must be {PROTOCOL}")
    message = _message(envelope.signed_message)
    _intermediate, key_expires = _signed_key(envelope.signed_key)
    if key_expires <= now_ms:
        raise GoogleCallbackRefused("intermediateSigningKey has expired (keyExpiration)")
    if message.expires_ms <= now_ms:
        raise GoogleCallbackRefused("signedMessage has expired (expTimeMillis)")
    return message


def verify(
    envelope: Envelope, root_keys: Sequence[RootKey], *, recipient: str, now_ms: int
) -> SavedOrDeleted:
    """The callback's message once every check passes; ``GoogleCallbackRefused`` names the first that
    fails: those of ``check``, a root key's signature of the intermediate key (``UnknownSigningKey``),
    the intermediate key's signature of the message for ``recipient``."""
    message = check(envelope, now_ms=now_ms)
    intermediate, _expires = _signed_key(envelope.signed_key)
    roots = [key.public_key for key in root_keys if key.expires_ms is None or key.expires_ms > now_ms]
    senders = [
        sender
        for sender in SENDERS
        if any(
            _verifies(root, signature, signed_data(sender, PROTOCOL, envelope.signed_key))
            for root in roots
            for signature in envelope.key_signatures
        )
    ]
    if not senders:
        raise UnknownSigningKey("intermediateSigningKey is not signed by a Google root key")
    signed = [signed_data(sender, recipient, PROTOCOL, envelope.signed_message) for sender in senders]
    if not any(_verifies(intermediate, envelope.signature, data) for data in signed):
        raise GoogleCallbackRefused("signature does not verify for this issuer's signedMessage")
    return message


def _message(text: str) -> SavedOrDeleted:
    document = _json_object(text, "signedMessage")
    class_id, object_id, event, nonce = (
        _text(document, name) for name in ("classId", "objectId", "eventType", "nonce")
    )
    if event not in EVENTS:
        raise GoogleCallbackRefused('signedMessage.eventType must be "save" or "del"')
    count = document.get("count")
    return SavedOrDeleted(
        class_id=class_id,
        object_id=object_id,
        event="save" if event == "save" else "del",
        expires_ms=_millis(document.get("expTimeMillis"), "signedMessage.expTimeMillis"),
        nonce=nonce,
        count=count if isinstance(count, int) and not isinstance(count, bool) else None,
    )


def _text(document: dict[str, Any], name: str) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        raise GoogleCallbackRefused(f"signedMessage.{name} must be a string of 1 to {MAX_TEXT} characters")
    return value


def _signed_key(text: str) -> tuple[ec.EllipticCurvePublicKey, int]:
    document = _json_object(text, "intermediateSigningKey.signedKey")
    expires = _millis(document.get("keyExpiration"), "intermediateSigningKey.signedKey.keyExpiration")
    return _public_key(document.get("keyValue")), expires


def _json_object(text: str, name: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise GoogleCallbackRefused(f"{name} must be a JSON object in a string") from error
    if not isinstance(document, dict):
        raise GoogleCallbackRefused(f"{name} must be a JSON object in a string")
    return document


def _millis(value: Any, name: str = "keyExpiration") -> int:
    """Milliseconds since the epoch, as Google writes them: a string of digits (or a number)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        return int(value)
    raise GoogleCallbackRefused(f"{name} must be milliseconds since 1970, as a string of digits")


def _public_key(value: Any) -> ec.EllipticCurvePublicKey:
    try:
        key = serialization.load_der_public_key(base64.b64decode(value, validate=True))
    except (TypeError, ValueError, binascii.Error) as error:
        raise GoogleCallbackRefused("keyValue must be a base64 DER public key") from error
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise GoogleCallbackRefused("keyValue must be an ECDSA P-256 public key")
    return key


def _verifies(key: ec.EllipticCurvePublicKey, signature: str, data: bytes) -> bool:
    try:
        key.verify(base64.b64decode(signature, validate=True), data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True
