"""Errors of the wallet formats."""

from __future__ import annotations

from passmint.errors import NotImplementedYet, PassmintError


class WalletError(PassmintError): ...


class GoogleNotBuilt(WalletError, NotImplementedYet):
    code = "not_implemented"
