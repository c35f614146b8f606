"""Errors of the wallet formats."""

from __future__ import annotations

from passmint.errors import NotImplementedYet, PassmintError


class WalletError(PassmintError): ...


class GoogleNotBuilt(WalletError, NotImplementedYet):
    code = "not_implemented"


class SaveLinkTooLong(WalletError, NotImplementedYet):
    """A save JWT over Google's ~1,800 characters: its objects must be inserted at Google first, which
    this build does not do yet."""

    code = "google_save_link_too_long"
