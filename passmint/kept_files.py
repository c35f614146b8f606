"""Signed passes answered before routing: what a pass's holders fetch again and again, at the cost of its
one lookup.

A repeat download (``GET /v1/pass/{passId}/download``) and a device's fetch of its pass (Apple's
``GET /apple/v1/passes/{passTypeIdentifier}/{serialNumber}``) need one indexed lookup and the signed file
kept for the pass as it is (``passes.downloads.answered``). Through FastAPI they also pay for solving the
route's half a dozen dependencies and parameters, and a session with the account attached to it: more
server CPU than the RSA signature the kept file saves. ``KeptFiles`` sits inside
``middleware.Authenticate`` (the caller's account is known) and answers them itself: it matches the path
with the route's own template (the same convertors), runs the checks the route's dependencies run,
awaits the route's own lookup (``downloads.signed_file_at``, ``registrations.service.held``) in a
transaction of its own, takes what it answers alone (``downloads.answered``), and sends the response the
route sends (``routing.file_response``, ``routing.not_modified``). What the lookup does not answer alone
(a pass to sign, a Google pass) or refuses (no such pass, a wrong token, a bad header) goes on to the
route, which answers it as it always has: FastAPI still validates, renders every error and documents
these paths. ``tests/test_kept_files.py`` compares the two answers.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from passmint.config import Settings
from passmint.db import Database
from passmint.deps import check_api_revision
from passmint.errors import PassmintError
from passmint.kit.files import Download
from passmint.models import Account
from passmint.passes import downloads
from passmint.passes.downloads import Unchanged
from passmint.registrations import service as registration_service
from passmint.registrations.wallet_apps import token_of
from passmint.routing import file_response, http_date, not_modified, pass_at, refuse_unstorable_parameters

Answer = Download | Unchanged | None
"""What a kept-file lookup answers: the file, a 304, or None (the route answers)."""
Lookup = Callable[[Request, Database, Settings], Awaitable[Answer]]


async def _download(request: Request, database: Database, settings: Settings) -> Answer:
    """``GET /v1/pass/{passId:ref}/download`` (``passes.endpoints.download_pass``)."""
    account = request.state.account
    assert isinstance(account, Account)  # middleware.Authenticate let the request in
    await refuse_unstorable_parameters(request)  # the /v1 routes' check_api_request
    await check_api_revision(request.headers.get("api-revision"))
    locator = await pass_at(**request.path_params)
    since = http_date(request.headers.get("if-modified-since"))
    async with database.transaction() as session:
        found = await downloads.signed_file_at(session, account.id, locator)
    return None if found is None else downloads.answered(found, settings, since)


async def _latest(request: Request, database: Database, settings: Settings) -> Answer:
    """Apple's ``GET /apple/v1/passes/{passTypeIdentifier}/{serialNumber}`` (``webservice.latest_pass``)."""
    await refuse_unstorable_parameters(request)
    params = request.path_params
    token = token_of(request.headers.get("authorization"))
    since = http_date(request.headers.get("if-modified-since"))
    async with database.transaction() as session:
        found = await registration_service.held(
            session, params["passTypeIdentifier"], params["serialNumber"], token
        )
    return downloads.answered(found, settings, since)


@dataclass(frozen=True)
class _Path:
    """A route's path template, compiled as Starlette compiles it, and the lookup answering it."""

    regex: re.Pattern[str]
    convertors: dict[str, Any]
    answer: Lookup

    @classmethod
    def of(cls, template: str, answer: Lookup) -> _Path:
        regex, _format, convertors = compile_path(template)
        return cls(regex, convertors, answer)

    def params(self, path: str) -> dict[str, Any] | None:
        match = self.regex.match(path)
        if match is None:
            return None
        return {name: self.convertors[name].convert(value) for name, value in match.groupdict().items()}


PATHS = (
    _Path.of("/v1/pass/{passId:ref}/download", _download),
    _Path.of("/apple/v1/passes/{passTypeIdentifier}/{serialNumber}", _latest),
)


class KeptFiles:
    """Answers a ``GET`` of ``PATHS`` from the kept signed file or with a 304 when its lookup alone can
    (see the module's docstring); hands every other request to ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self._kept(scope) if scope["type"] == "http" and scope["method"] == "GET" else None
        if response is None:
            return await self.app(scope, receive, send)
        await response(scope, receive, send)

    async def _kept(self, scope: Scope) -> Response | None:
        route_path = get_route_path(scope)
        for path in PATHS:
            params = path.params(route_path)
            if params is None:
                continue
            request = Request({**scope, "path_params": params})
            state = request.app.state
            try:
                answer = await path.answer(request, state.db, state.settings)
            except (PassmintError, ValueError):  # the route refuses it too, and renders why
                return None
            if isinstance(answer, Unchanged):
                return not_modified(answer.changed_at)
            return None if answer is None else file_response(answer, request.headers.get("accept"))
        return None
