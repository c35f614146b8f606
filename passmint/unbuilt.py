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
    ("/v1/links/adaptive/multiple", "Adaptive links for boarding passes and event tickets"),
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
