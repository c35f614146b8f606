"""The one table from error kinds to HTTP, and the handlers that render every error the same way."""

from __future__ import annotations

import html
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from passmint.db import unavailability
from passmint.errors import (
    Conflict,
    Gone,
    InvalidInput,
    NotFound,
    NotImplementedYet,
    PassmintError,
    PermissionDenied,
    TooManyRequests,
    Unauthenticated,
    Unavailable,
    UpstreamFailed,
)
from passmint.logs import HideDatabaseValues, redact_path
from passmint.routing import allowed_methods

log = logging.getLogger(__name__)
log.addFilter(HideDatabaseValues())  # whatever handlers are configured, an unhandled error's values stay out

STATUS_BY_KIND: dict[type[PassmintError], int] = {
    InvalidInput: 400,
    Unauthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    Gone: 410,
    TooManyRequests: 429,
    NotImplementedYet: 501,
    UpstreamFailed: 502,
    Unavailable: 503,
}
HEADERS_BY_KIND: dict[type[PassmintError], dict[str, str]] = {
    Unauthenticated: {"WWW-Authenticate": 'Basic realm="passmint"'},
    Unavailable: {"Retry-After": "5"},
}
PAGE_TITLES = {404: "This link does not exist", 410: "This pass is no longer available"}
ERROR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem">
<h1>{title}</h1><p>{message}</p></body></html>
"""
CODE_BY_HTTP_STATUS = {
    401: "unauthenticated",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


class ErrorBody(BaseModel):
    """Every error response: a message for a person, a stable code for a program, and field details."""

    error: str
    error_code: str
    details: Any = None


def error_response(status: int, message: str, code: str, details: Any = None, **kw: Any) -> JSONResponse:
    body = ErrorBody(error=message, error_code=code, details=details)
    return JSONResponse(body.model_dump(), status_code=status, **kw)


def _kind_of(error: PassmintError) -> type[PassmintError]:
    return next(kind for kind in type(error).__mro__ if kind in STATUS_BY_KIND)


def error_page(status: int, message: str) -> HTMLResponse:
    """An error as a small page, for a person's browser on a public link (routes that set
    ``request.state.error_page``); programs still get JSON."""
    title = PAGE_TITLES.get(status, "This link cannot give a pass")
    page = ERROR_PAGE.format(title=html.escape(title), message=html.escape(message))
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})


async def passmint_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, PassmintError)
    kind = _kind_of(error)
    if getattr(request.state, "error_page", False) and "text/html" in request.headers.get("accept", ""):
        return error_page(STATUS_BY_KIND[kind], error.message)
    headers = getattr(error, "headers", None) or HEADERS_BY_KIND.get(kind)
    if isinstance(error, TooManyRequests):
        headers = {"Retry-After": str(error.retry_after)}
    return error_response(STATUS_BY_KIND[kind], error.message, error.code, error.details, headers=headers)


def field_errors(errors: Any) -> list[dict[str, str]]:
    """Pydantic's errors as ``{"field", "location", "message"}``, the field path in the client's spelling."""
    details = []
    for problem in errors:
        location, *path = problem["loc"] or ("body",)
        field = ".".join(str(part) for part in path) or str(location)
        details.append({"field": field, "location": str(location), "message": problem["msg"]})
    return details


async def validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = list(error.errors())
    if any(problem["type"] == "json_invalid" for problem in problems):
        detail = problems[0].get("ctx", {}).get("error", "")
        message = f"The request body is not valid JSON: {detail}".rstrip(": ")
        return error_response(400, message, "invalid_json")
    if any(
        problem["loc"] == ("body",) and problem["type"] == "model_attributes_type" for problem in problems
    ):
        message = "The request body must be a JSON object, sent with Content-Type: application/json"
        return error_response(400, message, "invalid_json")
    details = field_errors(problems)
    summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
    return error_response(400, f"Invalid request. {summary}", "invalid_request", details)


async def http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = CODE_BY_HTTP_STATUS.get(error.status_code, "http_error")
    message = "No such resource" if error.status_code == 404 else str(error.detail)
    headers = error.headers
    if error.status_code == 405:
        headers = {"Allow": allowed_methods(request)}
    return error_response(error.status_code, message, code, headers=headers)


async def unexpected_error(request: Request, error: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"method": request.method, "path": redact_path(request.url.path)})
    return error_response(500, "Internal server error", "internal_error")


async def storage_error(request: Request, error: Exception) -> Response:
    """A database or file system error that reached the edge: 503 when it means the server cannot
    serve or write now (see ``db.unavailability``), else a 500 like any other bug."""
    found = unavailability(error, database=isinstance(error, SQLAlchemyError))
    if found is None:
        return await unexpected_error(request, error)
    log.warning("unavailable: %s", found.message, extra={"path": request.url.path})
    return await passmint_error(request, found)


def install(app: FastAPI) -> None:
    """Render every error raised inside ``app`` as an ``ErrorBody``."""
    app.add_exception_handler(PassmintError, passmint_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(SQLAlchemyError, storage_error)
    app.add_exception_handler(OSError, storage_error)
    app.add_exception_handler(Exception, unexpected_error)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these error statuses, all with the ``ErrorBody`` shape."""
    return {status: {"model": ErrorBody} for status in statuses}
