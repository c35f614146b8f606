"""Errors of the Google Wallet engine, each tied to one kind from passmint.errors.

GoogleError
 ├── GoogleCredentialError   a service-account key file or issuer id is unusable  (InvalidInput)
 └── GoogleCallbackRefused   a save/delete callback fails verification            (InvalidInput)
      └── UnknownSigningKey  no root key Google publishes signed its intermediate key
"""

from __future__ import annotations

from passmint.errors import InvalidInput, PassmintError


class GoogleError(PassmintError):
    """Base of every error raised while building Google Wallet classes, objects or save links."""

    code = "google_error"


class GoogleCredentialError(GoogleError, InvalidInput):
    """A service-account key file or issuer id cannot be used; the message names the field."""

    code = "google_credential_invalid"


class GoogleCallbackRefused(GoogleError, InvalidInput):
    """A save or delete callback is not one Google signed for this issuer, or has expired."""

    code = "google_callback_refused"


class UnknownSigningKey(GoogleCallbackRefused):
    """No root key at hand signed the callback's intermediate key (the keys may have rotated)."""
