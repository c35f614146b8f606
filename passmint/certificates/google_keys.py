"""Google credentials: a service account's key file read from an upload, sealed into a row, opened again."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime

from cachetools import LRUCache
from cryptography.hazmat.primitives import serialization

from passmint.certificates.errors import CertificateUploadInvalid
from passmint.certificates.signers import private_key_pem
from passmint.google import GoogleCredentialError, ServiceAccount, parse_service_account
from passmint.kit.crypto import SecretBox
from passmint.models import Certificate

GOOGLE = "Google"
MAX_NAME = 255
"""The longest service-account e-mail and key id stored."""
NO_EXPIRY = datetime(9999, 12, 31, tzinfo=UTC)
"""What a Google credential stores as its validity end: a key file carries none (never shown)."""

_cache: LRUCache[tuple[uuid.UUID, datetime], ServiceAccount] = LRUCache(maxsize=64)


def read_google_upload(certificate: str, issuer_id: str | None) -> ServiceAccount:
    """The service account of an upload, or a 400 naming ``certificate`` or ``issuerId``."""
    if issuer_id is None:
        raise _invalid("issuerId", "is required for a Google credential: the Wallet issuer's numeric id")
    try:
        raw = base64.b64decode("".join(certificate.split()), validate=True)
    except (binascii.Error, ValueError):
        raise _invalid("certificate", "must be the base64 of a service account's JSON key file") from None
    try:
        account = parse_service_account(raw, issuer_id)
    except GoogleCredentialError as error:
        field = "issuerId" if error.message.startswith("issuerId") else "certificate"
        message = error.message.removeprefix("certificate: ")
        raise _invalid(field, message) from None
    for name, value in (("client_email", account.client_email), ("private_key_id", account.private_key_id)):
        if len(value) > MAX_NAME:
            raise _invalid("certificate", f"the key file's {name} is longer than {MAX_NAME} characters")
    return account


def put_google_material(certificate: Certificate, box: SecretBox, account: ServiceAccount) -> None:
    """Store ``account`` in the row: identity in plain columns, the private key sealed to the row's id."""
    certificate.base_name = account.issuer_id
    certificate.team_identifier = account.client_email
    certificate.google_key_id = account.private_key_id
    certificate.google_project_id = account.client_email.partition("@")[2].partition(".")[0] or None
    certificate.validity_start = certificate.validity_start or datetime.now(UTC)
    certificate.validity_end = NO_EXPIRY
    certificate.certificate_pem = certificate.wwdr_pem = ""
    der = account.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    certificate.sealed_private_key = box.seal(der, context=certificate.id.bytes)


def account_of(box: SecretBox, certificate: Certificate) -> ServiceAccount:
    """The service account of a stored Google credential, opened once per version of the row."""
    version = (certificate.id, certificate.updated_at)
    found = _cache.get(version)
    if found is not None:
        return found
    pem = private_key_pem(box, certificate, "credential")
    account = ServiceAccount(
        certificate.base_name, certificate.team_identifier, certificate.google_key_id or "", pem
    )
    _cache[version] = account
    return account


def kept_account(version: tuple[uuid.UUID, datetime]) -> ServiceAccount | None:
    """The service account ``account_of`` opened for this version of a credential row, if kept (no read)."""
    return _cache.get(version)


def _invalid(field: str, message: str) -> CertificateUploadInvalid:
    return CertificateUploadInvalid(
        f"{field}: {message}", details=[{"field": field, "location": "body", "message": message}]
    )
