"""Route lookup that does not grow with the number of routes: a request is matched only against the
top-level routes whose literal path prefix it starts with.

FastAPI matches a request by walking every top-level route, every included router and every route in
it, in order, and walks the chosen router once more to handle it. ``PrefixDispatch`` sits where the
app's router starts (``Router.middleware_stack``, the hook Starlette gives a router for middleware)
and hands an HTTP request to a router holding only the candidates: the entries of ``app.router.routes``
(a route, or a router included with ``include_router``) whose every path begins with segments the
request's path also begins with. The order is kept, and a route outside the candidates cannot match
the path, so the first full match, the first partial match (a 405), the trailing-slash redirect and the
404 are those the whole table would give. ``app.router`` keeps the whole table for everything else
(the OpenAPI document, ``url_path_for``, the ``Allow`` header of a 405).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fastapi.routing import APIRouter, iter_route_contexts
from starlette._utils import get_route_path
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

Segments = tuple[str, ...]


def literal_segments(path: str | None) -> Segments:
    """The whole segments at the start of a route's ``path`` that hold no parameter: a path the route
    matches starts with the same segments (``/v1/pass/{passId:ref}`` -> ``("v1", "pass")``, ``/v1/pass``
    -> ``("v1", "pass")``). A piece before a parameter is not a whole segment; a trailing slash is left
    out, so a request without it still reaches the route for the redirect."""
    if path is None:
        return ()
    literal, parameter, _ = path.partition("{")
    pieces = literal.split("/")[1:]
    if parameter or pieces[-1:] == [""]:
        pieces = pieces[:-1]
    return tuple(pieces)


def entry_segments(entry: BaseRoute) -> Segments:
    """The segments every path of ``entry`` (a route, or an included router and all it holds) starts with."""
    common: Segments | None = None
    for context in iter_route_contexts([entry]):
        segments = literal_segments(context.path)
        if common is None:
            common = segments
            continue
        length = 0
        while length < min(len(common), len(segments)) and common[length] == segments[length]:
            length += 1
        common = common[:length]
    return common or ()


@dataclass
class _Node:
    """The routers a path reaching this node of the segment tree is matched against."""

    children: dict[str, _Node] = field(default_factory=dict)
    entries: list[int] = field(default_factory=list)
    router: APIRouter | None = None


class PrefixDispatch:
    """The ASGI entry of ``router`` (install with ``PrefixDispatch.install``): an HTTP request goes to a
    router holding only ``router``'s top-level entries that can match its path; any other scope
    (lifespan) to ``router`` itself. The tree is built on the first request and again whenever the
    number of top-level entries changes (a route added after the app was made, as tests do)."""

    def __init__(self, router: APIRouter) -> None:
        self.router = router
        self._root = _Node()
        self._built_for = -1

    @classmethod
    def install(cls, router: APIRouter) -> None:
        router.middleware_stack = cls(router)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.router.app(scope, receive, send)
        scope.setdefault("router", self.router)
        await self.router_for(get_route_path(scope)).app(scope, receive, send)

    def router_for(self, path: str) -> APIRouter:
        """The router holding the top-level entries that can match ``path``, in their order."""
        if self._built_for != len(self.router.routes):
            self._build()
        node = self._root
        for segment in path.split("/")[1:]:
            child = node.children.get(segment)
            if child is None:
                break
            node = child
        assert node.router is not None
        return node.router

    def _build(self) -> None:
        routes = self.router.routes
        root = _Node()
        for index, entry in enumerate(routes):
            node = root
            for segment in entry_segments(entry):
                node = node.children.setdefault(segment, _Node())
            node.entries.append(index)
        self._give_routers(root, [], routes)
        self._root, self._built_for = root, len(routes)

    def _give_routers(self, node: _Node, inherited: list[int], routes: Sequence[BaseRoute]) -> None:
        entries = sorted([*inherited, *node.entries])
        node.router = APIRouter(
            routes=[routes[index] for index in entries],
            redirect_slashes=self.router.redirect_slashes,
            default=self.router.default,
        )
        node.router.form_limits = self.router.form_limits
        for child in node.children.values():
            self._give_routers(child, entries, routes)
