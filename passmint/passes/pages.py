"""The answer of Save to Google Wallet: the button page (``pages.save_button``), or JSON."""

from __future__ import annotations

from fastapi.responses import HTMLResponse, JSONResponse, Response

from passmint.pages import render_save_button
from passmint.passes.downloads import SaveButton
from passmint.passes.schemas import SaveToWalletRead
from passmint.routing import wants_json


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
    page = render_save_button(
        link.jwt, link.save_url, _function(button.on_success), _function(button.on_fail)
    )
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})


def _function(name: str | None) -> str | None:
    """The button takes a function's name: ``mySuccessFunc()`` is ``mySuccessFunc``."""
    return None if name is None else name.removesuffix("()")
