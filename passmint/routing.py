"""Path forms shared by every router: the ``{name:ref}`` slot that takes ``12345`` or ``id/{externalId}``."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from email.utils import format_datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.responses import Response
from pydantic import AfterValidator
from starlette.convertors import Convertor, register_url_convertor
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

from passmint.errors import InvalidInput
from passmint.kit.files import Download
from passmint.kit.pagination import PageRequest
from passmint.kit.refs import REF_PATTERN, Ref, checked_ref
from passmint.kit.schemas import text_problem
from passmint.kit.time import last_modified


class RefConvertor(Convertor[str]):
    """Matches one reference slot; the text is handed on unchanged and parsed by ``Ref.parse``."""

    regex = REF_PATTERN

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("ref", RefConvertor())

REF_DESCRIPTION = "The numeric id, or `id/` followed by the external id you assigned (e.g. `id/summer-sale`)."


def _ref(name: str) -> Any:
    """A dependency reading path slot ``name`` into a ``Ref``, documented under that name; an id
    no stored object can have (beyond ``kit.ids.MAX_ID``) is a 400 naming the slot."""

    def resolve(**path: str) -> Ref:
        return Ref.parse(path[name])

    annotation = Annotated[
        str, Path(description=REF_DESCRIPTION, pattern=f"^(?:{REF_PATTERN})$"), AfterValidator(checked_ref)
    ]
    slot = inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
    resolve.__signature__ = inspect.Signature([slot], return_annotation=Ref)  # type: ignore[attr-defined]
    return Depends(resolve)


ProjectRef = Annotated[Ref, _ref("projectId")]
"""Declare a path as ``.../{projectId:ref}`` and a parameter as ``project: ProjectRef``."""
TemplateRef = Annotated[Ref, _ref("templateId")]
PassRef = Annotated[Ref, _ref("passId")]


UNBUILT = "unbuilt"
"""The name of the catch-all routes of features not built yet (see ``unbuilt.py``)."""
PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _methods_at(scope: Scope, routes: Sequence[BaseRoute]) -> set[str]:
    return {
        method
        for method in PROBED_METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
    }


def built_methods(request: Request) -> set[str]:
    """The methods routes of built features take at the request's path."""
    routes = [route for route in request.app.router.routes if getattr(route, "name", None) != UNBUILT]
    return _methods_at(request.scope, routes)


def allowed_methods(request: Request) -> str:
    """The ``Allow`` value of a 405: every method the request's path takes.

    Starlette answers 405 from the first route whose path matched, naming only that route's methods;
    a path served by several routes (``GET`` on one, ``PUT`` on another) takes the methods of all.
    """
    methods = built_methods(request) or _methods_at(request.scope, request.app.router.routes)
    return ", ".join(sorted(methods))


def next_page_url(request: Request, public_url: str, page: PageRequest, count: int) -> str | None:
    """The URL of the page after ``page`` at the server's public address, or None on the last page."""
    if page.start + page.page_size >= count:
        return None
    query = request.url.include_query_params(page=page.page + 1).query
    return f"{public_url}{request.url.path}?{query}"


def file_response(download: Download) -> Response:
    """A downloaded pass (or bundle) with its ``Last-Modified`` (see ``kit.time.last_modified``)."""
    headers = {
        "Last-Modified": format_datetime(last_modified(download.last_modified), usegmt=True),
        "Content-Disposition": f'attachment; filename="{download.filename}"',
    }
    return Response(download.data, media_type=download.media_type, headers=headers)


class UnstorableParameter(InvalidInput):
    code = "invalid_request"


async def refuse_unstorable_parameters(request: Request) -> None:
    """Refuse a path or query parameter holding what no database stores (a NUL character), for
    every route at once (request bodies are checked by ``kit.schemas.InputModel``)."""
    for location, items in (
        ("path", request.path_params.items()),
        ("query", request.query_params.multi_items()),
    ):
        for name, value in items:
            problem = text_problem(f"{name}{value}") if isinstance(value, str) else None
            if problem is not None:
                raise UnstorableParameter(
                    f"Invalid request. {name}: {problem}",
                    details=[{"field": name, "location": location, "message": problem}],
                )
