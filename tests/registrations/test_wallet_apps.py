"""Recognising wallet apps and reading their tokens."""

from __future__ import annotations

import pytest

from passmint.registrations.wallet_apps import WalletClient, recognize, token_of


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"user-agent": "PassKit/1.0 CFNetwork/1494.0.7 Darwin/23.4.0"}, WalletClient("passbook", "ios")),
        ({"user-agent": "Passbook/1.0 Apple Watch"}, WalletClient("passbook", "watchos")),
        ({"user-agent": "Wallet/1.0 (Macintosh; Mac OS X 14)"}, WalletClient("passbook", "macos")),
        ({"user-agent": "WalletPasses/2.3 (Linux; Android 14)"}, WalletClient("wallet_passes", "android")),
        (
            {"authorization": "AndroidPass abc", "user-agent": "okhttp"},
            WalletClient("wallet_passes", "android"),
        ),
        ({"x-pass-client": "Passes"}, WalletClient("pass2u", "android")),
        ({"x-pass-client": "Passworks"}, WalletClient("passworks_wallet", "android")),
        ({"user-agent": "PassWallet/8.0"}, WalletClient("passwallet", "android")),
        ({}, WalletClient("passbook", "ios")),
    ],
)
def test_recognize(headers: dict[str, str], expected: WalletClient) -> None:
    assert recognize(headers) == expected


@pytest.mark.parametrize(
    ("header", "token"),
    [("ApplePass abc123", "abc123"), ("AndroidPass abc", "abc"), ("Basic abc", None), ("ApplePass ", None),
     (None, None), ("ApplePass  spaced ", "spaced")],
)  # fmt: skip
def test_token_of(header: str | None, token: str | None) -> None:
    assert token_of(header) == token
