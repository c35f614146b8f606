"""Telling a desktop browser from a phone, a wallet app or an API client."""

from __future__ import annotations

import pytest

from passmint.kit.useragents import is_desktop_browser, is_wallet_app

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/150.0 Safari/537.36 Edg/150.0",
        "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    ],
)
def test_desktop_browsers(user_agent: str) -> None:
    assert is_desktop_browser({"accept": HTML, "user-agent": user_agent})


@pytest.mark.parametrize(
    "headers",
    [
        {"accept": HTML, "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari"},
        {"accept": HTML, "user-agent": "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)"},
        {"accept": HTML, "user-agent": "Mozilla/5.0 (Linux; Android 15; Pixel 9) Chrome/150.0 Mobile"},
        {"accept": HTML, "user-agent": "Passbook/1.0 CFNetwork/1490 Darwin/23.2.0"},
        {"accept": HTML, "user-agent": "PassWallet/4.2"},
        {"accept": HTML, "user-agent": "Mozilla/5.0 (X11; Linux x86_64)", "x-pass-client": "Passworks"},
        {"accept": "*/*", "user-agent": "curl/8.5.0"},
        {"accept": "application/json", "user-agent": "Mozilla/5.0 (X11; Linux x86_64)"},
        {"accept": "text/htmlx", "user-agent": "Mozilla/5.0 (X11; Linux x86_64)"},
        {},
    ],
)
def test_not_desktop_browsers(headers: dict[str, str]) -> None:
    assert not is_desktop_browser(headers)


def test_wallet_apps() -> None:
    assert is_wallet_app({"user-agent": "WalletPasses/3.1"})
    assert is_wallet_app({"authorization": "AndroidPass abc"})
    assert not is_wallet_app({"user-agent": "Mozilla/5.0 (X11; Linux x86_64)"})
