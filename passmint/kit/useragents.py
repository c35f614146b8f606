"""What kind of client a request comes from, told by its headers: an iPhone, an Android phone, a wallet
app, or something else (a desktop browser, ``curl``, an API client).

The Android wallet apps that speak Apple's protocol are recognised here once; ``registrations.wallet_apps``
names them for the web service, and the public pass links choose between a file and a page with them."""

from __future__ import annotations

import re
from collections.abc import Mapping

ANDROID_WALLET_APPS = (
    ("wallet_passes", re.compile(r"walletpasses", re.IGNORECASE)),
    ("pass2u", re.compile(r"pass2u|passesalliance", re.IGNORECASE)),
    ("passworks_wallet", re.compile(r"passworks", re.IGNORECASE)),
    ("passwallet", re.compile(r"passwallet|attidomobile", re.IGNORECASE)),
)
"""Android wallet apps by their User-Agent; the first match wins."""
PASS_CLIENTS = {"passes": "pass2u", "passworks": "passworks_wallet", "walletpasses": "wallet_passes"}
"""Android wallet apps by their ``X-Pass-Client`` header (lower case)."""

_IOS = re.compile(r"iphone|ipad|ipod|\bios\b|cfnetwork|darwin|passbook|passkit|wallet", re.IGNORECASE)
_ANDROID = re.compile(r"android", re.IGNORECASE)
_HTML = re.compile(r"(^|,)\s*text/html\s*(;|,|$)", re.IGNORECASE)


def is_wallet_app(headers: Mapping[str, str]) -> bool:
    """Whether an Android wallet app sent the request (headers by lower-case name)."""
    if headers.get("x-pass-client", "").strip().lower() in PASS_CLIENTS:
        return True
    if headers.get("authorization", "").startswith("AndroidPass "):
        return True
    user_agent = headers.get("user-agent", "")
    return any(pattern.search(user_agent) for _, pattern in ANDROID_WALLET_APPS)


def is_desktop_browser(headers: Mapping[str, str]) -> bool:
    """A browser that is neither on an iPhone/iPad nor on Android nor a wallet app: it asks for HTML
    (``Accept`` names ``text/html``) and its User-Agent names no phone system. ``curl``, API clients and
    wallets ask for anything (``*/*``) or name their system, so they are not."""
    if not _HTML.search(headers.get("accept", "")):
        return False
    user_agent = headers.get("user-agent", "")
    if _IOS.search(user_agent) or _ANDROID.search(user_agent):
        return False
    return not is_wallet_app(headers)
