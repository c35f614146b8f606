"""Parts of the API reference not built yet: they answer 501 with a clear message, never a fake 200.

Remove a line here when its feature lands; the README's "What is built" section lists the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException

from passmint import routing
from passmint.errors import NotImplementedYet
from passmint.routing import built_methods

UNBUILT: list[tuple[str, str]] = [
    ("/v1/template/{templateId:ref}/stats", "Template statistics"),
    ("/v1/template/{templateId:ref}/activity", "Template activity"),
    ("/v1/pass/{passId:ref}/tags", "Tags"),
    ("/v1/pass/{passId:ref}/stats", "Pass statistics"),
    ("/v1/pass/{passId:ref}/message", "Google Wallet messages"),
    ("/v1/pass/{templateId:ref}/saveToWallet", "Google Wallet"),
    ("/v1/pass/template/{templateId:ref}/id/{passExternalId}/tags", "Tags"),
    ("/v1/pass/template/{templateId:ref}/id/{passExternalId}/message", "Google Wallet messages"),
    ("/v1/pass/adaptive", "Adaptive links"),
    ("/v1/links", "Adaptive links"),
    ("/v1/tag", "Tags"),
    ("/v1/segments", "Segments"),
    ("/v1/project/{projectId:ref}/nfcMerchants", "NFC merchants"),
    ("/v1/project/{projectId:ref}/activity", "Project activity"),
    ("/v1/project/{projectId:ref}/stats", "Project statistics"),
]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _answer(feature: str) -> Callable[[Request], Awaitable[None]]:
    async def not_built(request: Request) -> None:
        if built_methods(request):
            # a built route serves this path (``/v1/tag/{tag}/notify``), only not with this method
            raise HTTPException(405, "Method Not Allowed")
        raise NotImplementedYet(f"{feature}: not available in this version of passmint yet (see the README)")

    return not_built


def install(app: FastAPI) -> None:
    """Catch-all routes for every unbuilt prefix, added after (so behind) the real routes."""
    for prefix, feature in UNBUILT:
        for path in (prefix, prefix + "/{rest:path}"):
            app.add_api_route(
                path,
                _answer(feature),
                methods=METHODS,
                include_in_schema=False,
                name=routing.UNBUILT,
            )
