"""A stand-in for Google sending Wallet save and delete callbacks: its own keys, signed as Google signs.

``GoogleCallbackSender`` holds a root key pair (published, as Google publishes its keys, by
``keys_document`` and, in a ``with`` block, by a local HTTP server at ``keys_url``) and an intermediate
key the root key signs. ``callback(...)`` answers the JSON body Google would POST: ECDSA P-256 SHA-256
signatures (DER, base64) over ``length-prefixed(sender, [recipient,] "ECv2SigningOnly", text)``, as in
https://developers.google.com/wallet/generic/use-cases/use-callbacks-for-saves-and-deletions.
This module builds the signed texts itself, not with ``passmint.google.callbacks``, so that a mistake
there is not repeated here.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.servers import LocalServer, QuietHandler, served_by

PROTOCOL = "ECv2SigningOnly"
KEYS_PATH = "/gp/m/issuer/keys"
DAY_MS = 24 * 3600 * 1000


def now_ms() -> int:
    return int(time.time() * 1000)


def _length_prefixed(*parts: str) -> bytes:
    out = b""
    for part in parts:
        encoded = part.encode("utf-8")
        out += len(encoded).to_bytes(4, "little") + encoded
    return out


def _sign(key: ec.EllipticCurvePrivateKey, data: bytes) -> str:
    return base64.b64encode(key.sign(data, ec.ECDSA(hashes.SHA256()))).decode()


def _public_der(key: ec.EllipticCurvePrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@dataclass
class GoogleCallbackSender:
    """Google's side of the callbacks, with keys of its own; ``sender`` is the sender id it signs as."""

    sender: str = "GooglePayPasses"
    root: ec.EllipticCurvePrivateKey = field(default_factory=_new_key)
    intermediate: ec.EllipticCurvePrivateKey = field(default_factory=_new_key)
    key_expiration_ms: int = field(default_factory=lambda: now_ms() + 30 * DAY_MS)
    root_expiration_ms: int | None = field(default_factory=lambda: now_ms() + 365 * DAY_MS)
    server: LocalServer | None = None
    fetches: int = 0

    def keys_document(self) -> dict[str, Any]:
        """The root keys as Google's keys URL answers them."""
        key: dict[str, Any] = {"keyValue": _public_der(self.root), "protocolVersion": PROTOCOL}
        if self.root_expiration_ms is not None:
            key["keyExpiration"] = str(self.root_expiration_ms)
        return {"keys": [key]}

    def callback(
        self,
        class_id: str,
        object_id: str,
        event: str = "save",
        *,
        nonce: str | None = None,
        expires_ms: int | None = None,
        recipient: str | None = None,
        count: int = 1,
    ) -> dict[str, Any]:
        """The body Google POSTs for ``event`` ("save" or "del"), signed for ``recipient`` (by default
        the issuer id, the prefix of ``class_id``)."""
        message = json.dumps(
            {
                "classId": class_id,
                "objectId": object_id,
                "eventType": event,
                "expTimeMillis": expires_ms if expires_ms is not None else now_ms() + 3600 * 1000,
                "count": count,
                "nonce": nonce or secrets.token_hex(16),
            }
        )
        signed_key = json.dumps(
            {"keyValue": _public_der(self.intermediate), "keyExpiration": str(self.key_expiration_ms)}
        )
        to = recipient if recipient is not None else class_id.partition(".")[0]
        return {
            "signature": _sign(self.intermediate, _length_prefixed(self.sender, to, PROTOCOL, message)),
            "intermediateSigningKey": {
                "signedKey": signed_key,
                "signatures": [_sign(self.root, _length_prefixed(self.sender, PROTOCOL, signed_key))],
            },
            "protocolVersion": PROTOCOL,
            "signedMessage": message,
        }

    def send(
        self, url: str, class_id: str, object_id: str, event: str = "save", **options: Any
    ) -> httpx.Response:
        """POST a signed callback to a running passmint at ``url`` (``.../google/v1/callbacks``), as Google
        does; ``options`` as for ``callback``."""
        return httpx.post(url, json=self.callback(class_id, object_id, event, **options), timeout=10)

    @property
    def keys_url(self) -> str:
        assert self.server is not None, "serve the keys first: with sender.serving():"
        return self.server.url(KEYS_PATH)

    def serving(self) -> LocalServer:
        """A local server answering ``GET {KEYS_PATH}`` with ``keys_document()`` (use it in ``with``)."""
        self.server = _KeyServer(self)
        return self.server


class _KeyServer(LocalServer):
    def __init__(self, sender: GoogleCallbackSender) -> None:
        super().__init__(_KeysHandler)
        self.sender = sender


class _KeysHandler(QuietHandler):
    def do_GET(self) -> None:
        server: _KeyServer = served_by(self)
        if self.path != KEYS_PATH:
            self.send_error(404)
            return
        server.sender.fetches += 1
        body = json.dumps(server.sender.keys_document()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
