"""ASGI middleware: a log line per request, body size caps, and credentials checked before any body.

Added in ``app.create_app`` so that a request meets them in this order: ``RequestLog`` (outermost, sees
every answer), ``BodyLimit`` (no database, refuses an announced oversize body at once), then
``Authenticate``, then ``kept_files.KeptFiles`` (a signed pass's repeat fetches, answered from the file
kept for it); only then does FastAPI route the request and read its body.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from passmint.config import Settings
from passmint.deps import authenticate_request
from passmint.http_errors import error_response
from passmint.kit.ids import is_ascii_digits
from passmint.logs import redact_path

log = logging.getLogger("passmint.http")

API_FAMILIES = ("/v1", "/v2", "/templates")
"""The route families of the API: each needs an API key, but for the public paths below."""
PUBLIC_PATHS = frozenset({"/v1/system/status", "/v1/pass/adaptive"})
PUBLIC_PREFIXES = ("/v1/download/pass/", "/v1/pass/dynamic/", "/v1/pass/adaptive/")
"""Public install links (``/v1/download/pass/{token}``): the token in the path is the credential."""


_API_PREFIXES = tuple(f"{family}/" for family in API_FAMILIES)


def in_api(path: str) -> bool:
    """Whether ``path`` belongs to the ``/v1``, ``/v2`` or ``/templates`` family."""
    return path.startswith(_API_PREFIXES) or path in API_FAMILIES


def needs_account(path: str) -> bool:
    """Whether a request to ``path`` must carry an API key (every route of the API but the public ones)."""
    public = path.rstrip("/") in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)
    return in_api(path) and not public


def body_limits(settings: Settings) -> Callable[[str], int]:
    """The cap on a request body by path: ``api_max_body`` for the API, ``apple_max_body`` elsewhere."""

    def limit_for(path: str) -> int:
        return int(settings.api_max_body if in_api(path) else settings.apple_max_body)

    return limit_for


class RequestLog:
    """Logs method, path (secrets redacted), status and duration of each request; never headers or bodies
    (nothing at all, not even the timing, when the level leaves INFO out)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            path = redact_path(scope["path"])
            log.info(
                "%s %s %s",
                scope["method"],
                path,
                status,
                extra={
                    "method": scope["method"],
                    "path": path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )


class BodyTooLarge(HTTPException):
    """A request body over its cap; raised from ``receive``, so whatever was reading stops there."""

    def __init__(self, limit: int) -> None:
        message = f"The request body is larger than the {limit:,} bytes this endpoint accepts"
        super().__init__(413, message, headers={"Connection": "close"})


class BodyLimit:
    """Caps request bodies by route family before anything reads them.

    A ``Content-Length`` over the cap is answered 413 at once, unread; one within it is all the body the
    server reads. A chunked body is counted as it is read: the read that passes the cap raises
    ``BodyTooLarge``, which the app renders as the same 413 (``HTTPException`` passes through FastAPI's
    body parsing untouched).
    """

    def __init__(self, app: ASGIApp, *, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope["path"])
        headers = Headers(scope=scope)
        announced = _content_length(headers)
        if announced is not None and announced > limit:
            return await _too_large(BodyTooLarge(limit))(scope, receive, send)
        if "transfer-encoding" not in headers:  # the body is the Content-Length's bytes, or none
            return await self.app(scope, receive, send)
        received = 0
        started = False

        async def receive_counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def send_and_note(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive_counted, send_and_note)
        except BodyTooLarge as error:  # read outside the app's error handling
            if started:
                raise
            await _too_large(error)(scope, receive, send)


def _content_length(headers: Headers) -> int | None:
    value = headers.get("content-length", "").strip()
    return int(value) if is_ascii_digits(value) else None


def _too_large(error: BodyTooLarge) -> Response:
    return error_response(413, str(error.detail), "payload_too_large", headers=error.headers)


class Authenticate:
    """Checks the API key of a request to the API before anything reads its body.

    FastAPI reads and parses a body before it solves a route's dependencies, so a wrong secret would
    cost the server the whole body first. Here the key is checked from the headers alone: the account
    goes into the request's state, where ``deps.current_account`` picks it up, and missing or wrong
    credentials are answered at once, rendered by the app's own error handlers (401 with its challenge).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not needs_account(scope["path"]):
            return await self.app(scope, receive, send)
        request = Request(scope)
        try:
            request.state.account = await authenticate_request(request)
        except Exception as error:
            response = await _rendered(request, error)
            if _has_body(request):
                response.headers["Connection"] = "close"  # its body is left unread
            return await response(scope, receive, send)
        await self.app(scope, receive, send)


async def _rendered(request: Request, error: Exception) -> Response:
    """``error`` as the app's exception handlers render it; re-raised when only the catch-all would."""
    handlers = request.app.exception_handlers
    kinds = [kind for kind in type(error).__mro__ if kind not in (Exception, BaseException, object)]
    kind = next((kind for kind in kinds if kind in handlers), None)
    if kind is None:
        raise error
    response = handlers[kind](request, error)
    return await response if inspect.isawaitable(response) else response  # type: ignore[no-any-return]


def _has_body(request: Request) -> bool:
    return "transfer-encoding" in request.headers or request.headers.get("content-length", "0") != "0"
