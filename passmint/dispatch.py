"""Route lookup that does not grow with the number of routes: a request is matched only against the
routes whose literal path prefix its path starts with.

FastAPI matches a request by walking every top-level route, every included router and every route in
it, in order, and walks the chosen router once more to handle it. ``PrefixDispatch`` sits where the
app's router starts (``Router.middleware_stack``, the hook Starlette gives a router for middleware) and
hands an HTTP request to a router holding only the candidates: the routes whose every path begins with
segments the request's path also begins with. A router included through ``PrefixDispatch.include_router``
is included there again holding only its candidate routes, with the same options; any other entry is
kept whole. The order is kept and a route left out cannot match the path, so the first full match, the
first partial match (a 405), the trailing-slash redirect and the 404 are those the whole table gives.
``app.router`` keeps the whole table for everything else (the OpenAPI document, ``url_path_for``, the
``Allow`` header of a 405).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.routing import APIRoute, APIRouter, iter_route_contexts
from starlette._utils import get_route_path
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

Segments = tuple[str, ...]
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""The methods a router of their own is made for (on first use): any other method a client sends is
looked up among all the path's routes, so what clients send cannot grow the lookup's memory."""


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


def _common(paths: list[Segments]) -> Segments:
    common = paths[0] if paths else ()
    for segments in paths[1:]:
        length = 0
        while length < min(len(common), len(segments)) and common[length] == segments[length]:
            length += 1
        common = common[:length]
    return common


@dataclass(frozen=True)
class _Inclusion:
    """A router included with ``include_router(router, **options)``, and its entry in the app's routes."""

    entry: BaseRoute
    router: APIRouter
    options: dict[str, Any]


@dataclass
class _Node:
    """A node of the segment tree: the entries whose routes all start with its segments."""

    children: dict[str, _Node] = field(default_factory=dict)
    entries: list[int] = field(default_factory=list)
    at: Segments = ()
    router: APIRouter | None = None
    by_method: dict[str, APIRouter] = field(default_factory=dict)


class PrefixDispatch:
    """The ASGI entry of ``router`` (see ``install``): an HTTP request goes to a router holding only the
    routes of ``router`` that can match its path; any other scope (lifespan) to ``router`` itself. The
    tree is built on the first request and again whenever the number of top-level entries changes (a
    route added after the app was made, as tests do)."""

    def __init__(self, router: APIRouter) -> None:
        self.router = router
        self._inclusions: dict[int, _Inclusion] = {}
        self._root = _Node()
        self._paths: list[list[Segments]] = []
        self._built_for = -1

    @classmethod
    def install(cls, router: APIRouter) -> PrefixDispatch:
        """Make a new ``PrefixDispatch`` the entry of ``router``, which must have no middleware of its own
        (``Router(middleware=...)``, ``max_body_size``): they would be left out."""
        if router.middleware_stack != router.app:
            raise ValueError("the router has middleware of its own, which PrefixDispatch would skip")
        dispatch = cls(router)
        router.middleware_stack = dispatch
        return dispatch

    def include_router(self, router: APIRouter, **options: Any) -> None:
        """``self.router.include_router(router, **options)``; a router holding only routes (no included
        routers of its own) is then included in each lookup router with only the routes that fit."""
        self.router.include_router(router, **options)
        entry = self.router.routes[-1]
        self._inclusions[id(entry)] = _Inclusion(entry, router, options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.router.app(scope, receive, send)
        scope.setdefault("router", self.router)
        await self.router_for(get_route_path(scope), scope["method"]).app(scope, receive, send)

    def router_for(self, path: str, method: str | None = None) -> APIRouter:
        """The router holding the routes that can match ``path``, in their order; with a ``method``, the
        routes among them that take it, handing a request none of them serves (a 405, a redirect or a
        404) to the former."""
        if self._built_for != len(self.router.routes):
            self._build()
        node = self._root
        for segment in path.split("/")[1:]:
            child = node.children.get(segment)
            if child is None:
                break
            node = child
        assert node.router is not None
        if method is None or method not in METHODS:  # a method no route names: the 405 or the 404
            return node.router
        router = node.by_method.get(method)
        if router is None:
            router = node.by_method[method] = self._lookup_router(node.at, node.entries, method, node.router)
        return router

    def _inclusion(self, entry: BaseRoute) -> _Inclusion | None:
        """How ``entry`` was included, when through ``include_router`` and its router holds only routes
        (whose paths then line up with ``iter_route_contexts``)."""
        inclusion = self._inclusions.get(id(entry))
        if inclusion is None or inclusion.entry is not entry:
            return None
        return inclusion if all(isinstance(route, APIRoute) for route in inclusion.router.routes) else None

    def _build(self) -> None:
        routes = self.router.routes
        root = _Node()
        self._paths = [
            [literal_segments(context.path) for context in iter_route_contexts([entry])] for entry in routes
        ]
        for index, paths in enumerate(self._paths):
            node = root
            for segment in _common(paths):
                node = node.children.setdefault(segment, _Node())
            node.entries.append(index)
            for segments in paths:  # a node for every route's own segments, where its router is cut
                node = root
                for segment in segments:
                    node = node.children.setdefault(segment, _Node())
        self._give_routers(root, (), [], routes)
        self._root, self._built_for = root, len(routes)

    def _give_routers(self, node: _Node, at: Segments, inherited: list[int], routes: list[BaseRoute]) -> None:
        node.entries = sorted([*inherited, *node.entries])
        node.at = at
        node.router = self._lookup_router(at, node.entries)
        entries = node.entries
        for segment, child in node.children.items():
            self._give_routers(child, (*at, segment), entries, routes)

    def _lookup_router(
        self, at: Segments, entries: list[int], method: str | None = None, otherwise: APIRouter | None = None
    ) -> APIRouter:
        """A router with ``self.router``'s options over ``entries``, each included router cut to the
        routes whose segments lead to ``at`` (and that take ``method``, when given; a request none of
        them matches goes on to ``otherwise``)."""
        top = self.router
        lookup = APIRouter(
            redirect_slashes=top.redirect_slashes and otherwise is None,
            default=top.default if otherwise is None else otherwise.app,
            dependency_overrides_provider=top.dependency_overrides_provider,
            dependencies=top.dependencies,
            tags=top.tags,
            responses=top.responses,
            callbacks=top.callbacks,
            deprecated=top.deprecated,
            include_in_schema=top.include_in_schema,
            default_response_class=top.default_response_class,
            generate_unique_id_function=top.generate_unique_id_function,
            strict_content_type=top.strict_content_type,
            form_limits=top.form_limits,
        )
        for index in entries:
            entry = self.router.routes[index]
            inclusion = self._inclusion(entry)
            if inclusion is None:
                if _takes(entry, method):
                    lookup.routes.append(entry)
                continue
            fitting = [
                route
                for route, segments in zip(inclusion.router.routes, self._paths[index], strict=True)
                if at[: len(segments)] == segments and _takes(route, method)
            ]
            if fitting:
                part = APIRouter(
                    routes=fitting,
                    form_limits=inclusion.router.form_limits,
                    max_body_size=inclusion.router.max_body_size,
                )
                lookup.include_router(part, **inclusion.options)
        return lookup


def _takes(route: BaseRoute, method: str | None) -> bool:
    """Whether ``route`` may serve ``method`` (any route may when no method is given, and a route that
    names no methods, a mount or an included router, takes them all)."""
    methods = getattr(route, "methods", None)
    return method is None or methods is None or method in methods
