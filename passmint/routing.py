"""Path forms shared by every router: the ``{name:ref}`` slot that takes ``12345`` or ``id/{externalId}``,
and a pass's two addresses (by id, by template and external id), under which one handler is registered."""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import AfterValidator
from starlette.convertors import Convertor, register_url_convertor
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

from passmint.errors import InvalidInput
from passmint.kit.files import Download
from passmint.kit.pagination import PageRequest
from passmint.kit.refs import REF_PATTERN, PassLocator, Ref, checked_ref
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


def _slot(name: str) -> inspect.Parameter:
    """Path slot ``name`` (``{name:ref}``) as a parameter, documented under that name; an id no stored
    object can have (beyond ``kit.ids.MAX_ID``) is a 400 naming the slot."""
    annotation = Annotated[
        str, Path(description=REF_DESCRIPTION, pattern=f"^(?:{REF_PATTERN})$"), AfterValidator(checked_ref)
    ]
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)


def _ref(name: str) -> Any:
    """A dependency reading path slot ``name`` into a ``Ref`` (see ``_slot``)."""

    async def resolve(**path: str) -> Ref:
        return Ref.parse(path[name])

    resolve.__signature__ = inspect.Signature([_slot(name)], return_annotation=Ref)  # type: ignore[attr-defined]
    return Depends(resolve)


def ref_slot(name: str) -> Any:
    """The dependency reading path slot ``name`` (``{name:ref}``) into a ``Ref``, for routes made by a
    factory (flights and events share theirs)."""
    return _ref(name)


ProjectRef = Annotated[Ref, _ref("projectId")]
"""Declare a path as ``.../{projectId:ref}`` and a parameter as ``project: ProjectRef``."""
TemplateRef = Annotated[Ref, _ref("templateId")]
PassRef = Annotated[Ref, _ref("passId")]
PassExternalId = Annotated[str, Path(alias="passExternalId", max_length=255)]


async def pass_at(**path: str) -> PassLocator:
    """``/pass/{id}`` or ``/pass/id/{externalId}``: slot ``passId`` read here rather than by a ``PassRef``
    dependency of its own, one dependency fewer to solve on every request to a pass."""
    ref = Ref.parse(path["passId"])
    return PassLocator(pass_id=ref.id, external_id=ref.external_id)


pass_at.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [_slot("passId")], return_annotation=PassLocator
)


async def pass_in_template(template: TemplateRef, external_id: PassExternalId) -> PassLocator:
    """``/pass/template/{templateId}/id/{passExternalId}``."""
    return PassLocator(template=template, external_id=external_id)


PassAt = Annotated[PassLocator, Depends(pass_at)]
"""A route at one address only: ``/pass/{passId:ref}...``; routes at both use ``at_every_address``."""
InTemplate = Annotated[PassLocator, Depends(pass_in_template)]


@dataclass(frozen=True)
class Address:
    """One form of an object's address: the path that names it, the dependency reading it from that path,
    and what the name of a route at this address adds to its handler's name (operation ids are made from
    route names)."""

    path: str
    locate: Callable[..., Any]
    name_suffix: str = ""


PASS_ADDRESSES = (
    Address("/pass/{passId:ref}", pass_at),
    Address("/pass/template/{templateId:ref}/id/{passExternalId}", pass_in_template, "_in_template"),
)


@dataclass(frozen=True)
class At:
    """A route at one address, as documented: its OpenAPI summary, and its name when it is not the
    handler's name plus the address's ``name_suffix``."""

    summary: str
    name: str | None = None


Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])


def at_every_address(
    router: APIRouter,
    method: str,
    suffix: str,
    *at: At,
    addresses: tuple[Address, ...] = PASS_ADDRESSES,
    **options: Any,
) -> Callable[[Handler], Handler]:
    """Register the decorated handler under every address (``path + suffix``; one ``At`` per address, in
    order), with the same ``options`` (``response_model``, ``status_code``...). The handler's parameter
    annotated with the type the addresses locate (``locator: PassLocator``) is read by each address's
    dependency, so each route documents its own path parameters and stays its own OpenAPI operation."""
    if len(at) != len(addresses):
        raise TypeError(f"one At per address: {len(addresses)} addresses, {len(at)} given")

    def register(handler: Handler) -> Handler:
        for address, route in zip(addresses, at, strict=True):
            path = address.path + suffix
            if not path.startswith(router.prefix):
                raise ValueError(f"{path} is not under the router's prefix {router.prefix}")
            router.add_api_route(
                path.removeprefix(router.prefix),
                _located(handler, address.locate),
                methods=[method],
                name=route.name or handler.__name__ + address.name_suffix,
                summary=route.summary,
                **options,
            )
        return handler

    return register


def _located(handler: Callable[..., Awaitable[Any]], locate: Callable[..., Any]) -> Callable[..., Any]:
    """``handler`` with its locator parameter read by ``locate`` (annotations resolved, as FastAPI reads
    them, from the handler's module)."""
    located = typing.get_type_hints(locate)["return"]
    hints = typing.get_type_hints(handler, include_extras=True)
    signature = inspect.signature(handler)
    parameters = [
        parameter.replace(
            annotation=Annotated[located, Depends(locate)] if hints[name] is located else hints[name]
        )
        for name, parameter in signature.parameters.items()
    ]
    if not any(hints[name] is located for name in signature.parameters):
        raise TypeError(f"{handler.__name__} takes no parameter of type {located.__name__}")

    @functools.wraps(handler)
    async def endpoint(*args: Any, **kwargs: Any) -> Any:
        return await handler(*args, **kwargs)

    endpoint.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters, return_annotation=hints.get("return", inspect.Signature.empty)
    )
    return endpoint


PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _methods_at(scope: Scope, routes: Sequence[BaseRoute]) -> set[str]:
    return {
        method
        for method in PROBED_METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
    }


def allowed_methods(request: Request) -> str:
    """The ``Allow`` value of a 405: every method the request's path takes.

    Starlette answers 405 from the first route whose path matched, naming only that route's methods;
    a path served by several routes (``GET`` on one, ``PUT`` on another) takes the methods of all.
    """
    methods = _methods_at(request.scope, request.app.router.routes)
    return ", ".join(sorted(methods))


def next_page_url(request: Request, public_url: str, page: PageRequest, count: int) -> str | None:
    """The URL of the page after ``page`` at the server's public address, or None on the last page."""
    if page.start + page.page_size >= count:
        return None
    query = request.url.include_query_params(page=page.page + 1).query
    return f"{public_url}{request.url.path}?{query}"


AcceptHeader = Annotated[str | None, Header(alias="accept", include_in_schema=False)]
"""The request's ``Accept`` header: a download answers JSON instead of a redirect when it asks for it."""


def wants_json(accept: str | None) -> bool:
    return accept is not None and "application/json" in accept.lower()


def file_response(download: Download, accept: str | None = None) -> Response:
    """A downloaded pass (or bundle) with its ``Last-Modified`` (see ``kit.time.last_modified``); a
    download with a ``location`` (a Google save link) answers 302 there, or its JSON when asked."""
    if download.location is not None:
        if wants_json(accept):
            return Response(
                download.data, media_type=download.media_type, headers={"Cache-Control": "no-store"}
            )
        return RedirectResponse(download.location, status_code=302, headers={"Cache-Control": "no-store"})
    headers = {
        "Last-Modified": format_datetime(last_modified(download.last_modified), usegmt=True),
        "Content-Disposition": f'attachment; filename="{download.filename}"',
    }
    return Response(download.data, media_type=download.media_type, headers=headers)


IfModifiedSinceHeader = Annotated[str | None, Header(alias="If-Modified-Since")]
"""A client's ``If-Modified-Since`` (read with ``http_date``): a download answers 304 when unchanged."""


def http_date(value: str | None) -> datetime | None:
    """An HTTP date as sent; None for none, or for one that does not read as a date (then ignored)."""
    if value is None:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def not_modified(changed_at: datetime) -> Response:
    """HTTP 304 for content last changed at ``changed_at``, dated as ``file_response`` dates it."""
    stamp = format_datetime(last_modified(changed_at), usegmt=True)
    return Response(status_code=304, headers={"Last-Modified": stamp})


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
