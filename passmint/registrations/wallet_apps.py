"""Which wallet app is calling Apple's web service, recognised from its request headers.

- ``wallet_passes`` (android): User-Agent ``WalletPasses/...``, or ``Authorization: AndroidPass ...``
- ``pass2u`` (android): ``X-Pass-Client: Passes``, or a User-Agent naming Pass2U
- ``passworks_wallet`` (android): ``X-Pass-Client: Passworks``, or a User-Agent naming Passworks
- ``passwallet`` (android): a User-Agent naming PassWallet
- ``passbook`` (Apple Wallet): anything else; device_os ``ios``, or ``watchos``/``macos`` when the
  User-Agent says so

Android wallet apps speak Apple's protocol; the first match in this order wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from passmint.kit.useragents import ANDROID_WALLET_APPS, PASS_CLIENTS

SCHEMES = ("ApplePass", "AndroidPass")


@dataclass(frozen=True)
class WalletClient:
    wallet: str
    device_os: str


GOOGLE_WALLET = WalletClient("google_wallet", "android")
"""Google Wallet, as its save callbacks register a pass (it speaks no Apple protocol)."""


_ANDROID_APPS = ANDROID_WALLET_APPS
_PASS_CLIENTS = PASS_CLIENTS
_APPLE_SYSTEMS = (
    ("watchos", re.compile(r"watch", re.IGNORECASE)),
    ("macos", re.compile(r"macintosh|mac os", re.IGNORECASE)),
)


def recognize(headers: Mapping[str, str]) -> WalletClient:
    """The wallet app and system a web-service request comes from (headers by lower-case name)."""
    user_agent = headers.get("user-agent", "")
    pass_client = headers.get("x-pass-client", "").strip().lower()
    if pass_client in _PASS_CLIENTS:
        return WalletClient(_PASS_CLIENTS[pass_client], "android")
    for wallet, pattern in _ANDROID_APPS:
        if pattern.search(user_agent):
            return WalletClient(wallet, "android")
    if headers.get("authorization", "").startswith("AndroidPass "):
        return WalletClient("wallet_passes", "android")
    system = next((name for name, pattern in _APPLE_SYSTEMS if pattern.search(user_agent)), "ios")
    return WalletClient("passbook", system)


def token_of(authorization: str | None) -> str | None:
    """The pass's authentication token from ``ApplePass <token>`` (or ``AndroidPass <token>``)."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme not in SCHEMES or not token.strip():
        return None
    return token.strip()
