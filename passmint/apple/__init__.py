"""Apple Wallet passes: pass.json validation, signing and .pkpass bundles (pure: no database, no network)."""

from __future__ import annotations

from passmint.apple.bundles import build_pkpasses
from passmint.apple.devcerts import DevCertificates, make_dev_certificates
from passmint.apple.errors import CertificateError, PassValidationError
from passmint.apple.pkpass import build_pkpass
from passmint.apple.signing import PassSigner

__all__ = [
    "CertificateError",
    "DevCertificates",
    "PassSigner",
    "PassValidationError",
    "build_pkpass",
    "build_pkpasses",
    "make_dev_certificates",
]
