"""Google service accounts: read from the JSON key file Google hands out, or made for development.

A key file is the JSON Google's console downloads for a service account (``type``,
``client_email``, ``private_key_id``, ``private_key`` as PKCS#8 PEM, ...). Its ``token_uri`` is
deliberately not kept: tokens come from ``PASSMINT_GOOGLE_TOKEN_URL``.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from functools import cached_property

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from passmint.google.errors import GoogleCredentialError

DEVELOPMENT_ISSUER_ID = "3388000000000000000"
DEVELOPMENT_EMAIL = "passmint-development@passmint-development.iam.gserviceaccount.com"


@dataclass(frozen=True)
class ServiceAccount:
    """One Google Wallet issuer's service account: who signs save links and calls the REST API."""

    issuer_id: str
    """Google's numeric issuer id (digits, as a string): the prefix of every class and object id."""
    client_email: str
    private_key_id: str
    private_key_pem: bytes = field(repr=False)
    """The RSA private key, PKCS#8 PEM."""
    development: bool = False
    """Made by passmint for development: Google's servers do not know it."""

    @cached_property
    def private_key(self) -> rsa.RSAPrivateKey:
        """The key, loaded once."""
        key = serialization.load_pem_private_key(self.private_key_pem, password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key

    def key_file(self) -> bytes:
        """The account as a Google key file (what ``parse_service_account`` reads back)."""
        document = {
            "type": "service_account",
            "project_id": self.client_email.partition("@")[2].partition(".")[0],
            "private_key_id": self.private_key_id,
            "private_key": self.private_key_pem.decode(),
            "client_email": self.client_email,
        }
        return json.dumps(document).encode()


def parse_service_account(raw: bytes | str, issuer_id: str) -> ServiceAccount:
    """The account in a key file, for ``issuer_id``; ``GoogleCredentialError`` names what is wrong."""
    if not (issuer_id.isascii() and issuer_id.isdigit()):
        raise GoogleCredentialError("issuerId must be Google's numeric issuer id, as a string of digits")
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise GoogleCredentialError("certificate must be a service-account JSON key file") from error
    if not isinstance(document, dict) or document.get("type") != "service_account":
        raise GoogleCredentialError('certificate: the key file must say "type": "service_account"')
    for name in ("client_email", "private_key_id", "private_key"):
        if not isinstance(document.get(name), str) or not document[name]:
            raise GoogleCredentialError(f"certificate: the key file has no {name}")
    pem = document["private_key"].encode()
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        message = "certificate: the key file's private_key is not a PEM private key"
        raise GoogleCredentialError(message) from error
    if not isinstance(key, rsa.RSAPrivateKey):
        raise GoogleCredentialError("certificate: the key file's private_key must be an RSA key")
    return ServiceAccount(issuer_id, document["client_email"], document["private_key_id"], _pkcs8(key))


def make_development_account(issuer_id: str = DEVELOPMENT_ISSUER_ID) -> ServiceAccount:
    """A new account with a fresh RSA-2048 key, for development and tests; Google does not know it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ServiceAccount(issuer_id, DEVELOPMENT_EMAIL, secrets.token_hex(20), _pkcs8(key), development=True)


def _pkcs8(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
