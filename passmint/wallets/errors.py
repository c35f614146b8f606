"""Errors of the wallet formats."""

from __future__ import annotations

from passmint.errors import NotImplementedYet, PassmintError


class WalletError(PassmintError): ...


class SaveLinkTooLong(WalletError, NotImplementedYet):
    """A save JWT over Google's ~1,800 characters, and nothing named to insert its objects at Google
    first (``wallets.google.insert_objects_with``)."""

    code = "google_save_link_too_long"
