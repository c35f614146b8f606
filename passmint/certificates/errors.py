"""Errors of the certificates domain."""

from __future__ import annotations

from passmint.errors import Conflict, InvalidInput, NotFound, PassmintError, Unavailable


class CertificatesError(PassmintError): ...


class CertificateNotFound(CertificatesError, NotFound):
    code = "certificate_not_found"


class CertificateUploadInvalid(CertificatesError, InvalidInput):
    code = "certificate_invalid"


class DefaultCertificateRequired(CertificatesError, InvalidInput):
    code = "default_certificate_required"


class CertificateInUse(CertificatesError, Conflict):
    code = "certificate_in_use"


class CertificateClash(CertificatesError, Conflict):
    code = "certificate_exists"


class PrivateKeyUnreadable(CertificatesError, Unavailable):
    code = "private_key_unreadable"
