"""Server-rendered pages of passes (Jinja2, autoescaped): the Save to Google Wallet button."""

from __future__ import annotations

from functools import cache

from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from passmint.passes.downloads import SaveButton
from passmint.passes.schemas import SaveToWalletRead
from passmint.routing import wants_json

BUTTON_SCRIPT = "https://apis.google.com/js/platform.js"
"""Google's current button script: it draws ``<g:savetoandroidpay>`` and calls ``onsuccess``/``onfailure``
(the reference's ``plusone.js`` with ``<g:savetowallet>`` no longer works)."""


@cache
def _pages() -> Environment:
    return Environment(
        loader=PackageLoader("passmint.passes", "pages"), autoescape=select_autoescape(["html"])
    )


def save_button(button: SaveButton, accept: str | None) -> Response:
    """The button page, or with ``Accept: application/json`` the pass and its save link as JSON."""
    link = button.link
    if wants_json(accept):
        read = SaveToWalletRead(
            pass_id=button.pass_.id,
            external_id=button.pass_.external_id,
            save_url=link.save_url,
            jwt=link.jwt,
            class_id=link.class_id,
            object_id=link.object_ids[0],
        )
        return JSONResponse(read.model_dump(by_alias=True, mode="json"))
    page = (
        _pages()
        .get_template("save_to_wallet.html")
        .render(
            button_script=BUTTON_SCRIPT,
            jwt=link.jwt,
            save_url=link.save_url,
            on_success=_function(button.on_success),
            on_fail=_function(button.on_fail),
        )
    )
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})


def _function(name: str | None) -> str | None:
    """The button takes a function's name: ``mySuccessFunc()`` is ``mySuccessFunc``."""
    return None if name is None else name.removesuffix("()")
