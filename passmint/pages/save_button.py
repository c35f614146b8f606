"""The Save to Google Wallet page: Google's button script drawing the button of one save link."""

from __future__ import annotations

from passmint.pages.environment import PAGES

BUTTON_SCRIPT = "https://apis.google.com/js/platform.js"
"""Google's current button script: it draws ``<g:savetoandroidpay>`` and calls ``onsuccess``/``onfailure``
(the reference's ``plusone.js`` with ``<g:savetowallet>`` no longer works)."""


def render_save_button(jwt: str, save_url: str, on_success: str | None, on_fail: str | None) -> str:
    """The page of a save link's button; ``on_success``/``on_fail`` name the page's functions it calls."""
    return PAGES.get_template("save_to_wallet.html").render(
        button_script=BUTTON_SCRIPT, jwt=jwt, save_url=save_url, on_success=on_success, on_fail=on_fail
    )
