"""Errors of the Google Wallet engine, each tied to one kind from passmint.errors.

GoogleError
 └── GoogleCredentialError   a service-account key file or issuer id is unusable  (InvalidInput)
"""

from __future__ import annotations

from passmint.errors import InvalidInput, PassmintError


class GoogleError(PassmintError):
    """Base of every error raised while building Google Wallet classes, objects or save links."""

    code = "google_error"


class GoogleCredentialError(GoogleError, InvalidInput):
    """A service-account key file or issuer id cannot be used; the message names the field."""

    code = "google_credential_invalid"
