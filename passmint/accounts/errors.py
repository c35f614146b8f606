"""Errors of the accounts domain."""

from __future__ import annotations

from passmint.errors import NotFound, PassmintError, Unauthenticated


class AccountsError(PassmintError): ...


class MissingCredentials(AccountsError, Unauthenticated):
    code = "credentials_missing"


class InvalidCredentials(AccountsError, Unauthenticated):
    code = "credentials_invalid"


class AccountNotFound(AccountsError, NotFound):
    code = "account_not_found"


class ApiKeyNotFound(AccountsError, NotFound):
    code = "api_key_not_found"
