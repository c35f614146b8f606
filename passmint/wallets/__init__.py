"""Wallet formats: each template's vendor chooses one, here and nowhere else."""

from __future__ import annotations

from passmint.wallets.apple import AppleWallet
from passmint.wallets.format import PassRecord, WalletFormat
from passmint.wallets.google import GoogleWallet

FORMATS: dict[str, WalletFormat] = {wallet.vendor.value: wallet for wallet in (AppleWallet(), GoogleWallet())}
"""Every wallet format, by the vendor name its templates store."""


def format_of(vendor: str) -> WalletFormat:
    """The format of a template of ``vendor`` (a ``Vendor`` or the stored name)."""
    return FORMATS[str(vendor)]


__all__ = ["FORMATS", "PassRecord", "WalletFormat", "format_of"]
