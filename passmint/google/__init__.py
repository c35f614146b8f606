"""Google Wallet's engine: credentials, classes and objects, save links; no database, no web server."""

from passmint.google.credentials import ServiceAccount, make_development_account, parse_service_account
from passmint.google.errors import GoogleCredentialError, GoogleError

__all__ = [
    "GoogleCredentialError",
    "GoogleError",
    "ServiceAccount",
    "make_development_account",
    "parse_service_account",
]
