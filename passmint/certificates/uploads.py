"""Reading an uploaded certificate: base64 of a .p12 (or of a PEM with certificate and key)."""

from __future__ import annotations

import base64
import binascii

from passmint.apple import CertificateError, PassSigner
from passmint.apple.errors import CertificatePasswordError
from passmint.certificates.errors import CertificateUploadInvalid

PEM_MARKER = b"-----BEGIN"


def read_upload(certificate: str, password: str | None) -> PassSigner:
    """A signer for the uploaded certificate, or a 400 naming ``certificate`` or ``password``."""
    data = _decode(certificate)
    secret = password.encode() if password else None
    try:
        if data.lstrip().startswith(PEM_MARKER):
            return PassSigner.from_pem(data, data, key_password=secret)
        return PassSigner.from_pkcs12(data, secret)
    except CertificateError as error:
        field = "password" if isinstance(error, CertificatePasswordError) else "certificate"
        raise CertificateUploadInvalid(
            error.message, details=[{"field": field, "location": "body", "message": error.message}]
        ) from None


def _decode(certificate: str) -> bytes:
    try:
        return base64.b64decode("".join(certificate.split()), validate=True)
    except (binascii.Error, ValueError):
        message = "must be the base64 of a .p12 file (e.g. `openssl base64 -A -in cert.p12`)"
        raise CertificateUploadInvalid(
            f"certificate: {message}",
            details=[{"field": "certificate", "location": "body", "message": message}],
        ) from None
