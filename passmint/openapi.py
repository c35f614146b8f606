"""The OpenAPI document as the API answers: FastAPI's generated document, corrected once where it differs.

FastAPI documents a 422 "Validation Error" on every route with parameters or a body, but passmint
answers bad input with a 400 ``ErrorBody`` (see ``http_errors.validation_error``). Statuses that do
not depend on what a route does are written here once: 503 everywhere (the database cannot serve),
413 wherever there is a body, 429 on the routes anyone may call, 409 wherever a ``{passId}`` slot may
name passes of several templates; other statuses are declared on their routes. Parameters are
present or absent, never null. And the reference's
paths that differ only in a slot's name (``POST /template/{projectId}`` beside ``GET
/template/{templateId}``, which OpenAPI forbids) become one path, ``/v1/template/{id}``, as the
reference itself writes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI

from passmint.http_errors import ErrorBody

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
BAD_REQUEST = "Bad Request: a parameter or the body is not valid; `details` names each field."
TOO_LARGE = "Content Too Large: the body is over this route's size limit; nothing was read or written."
UNAVAILABLE = "Service Unavailable: the database cannot serve the request now; retry after `Retry-After`."
AMBIGUOUS_PASS = "Conflict: `id/{externalId}` names passes of several templates; name the template."
TOO_MANY = "Too Many Requests: this client sent more than the route allows; retry after `Retry-After`."
RATE_LIMITED = frozenset(
    {
        ("post", "/apple/v1/log"),
        ("post", "/apple/v1/passes/{passTypeIdentifier}/{serialNumber}/personalize"),
    }
)
"""Routes anyone may call without credentials, so each client's rate is bounded."""
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}
}


def error_response(description: str) -> dict[str, Any]:
    """A response entry with the ``ErrorBody`` shape."""
    return {"description": description, "content": {"application/json": {"schema": dict(ERROR_BODY)}}}


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every operation of ``document``, with its method and path."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def _without_null(parameter: dict[str, Any]) -> None:
    """A parameter is present or absent, never null: ``str | None`` documents as the string alone."""
    schema = parameter.get("schema", {})
    branches = [branch for branch in schema.get("anyOf", []) if branch != {"type": "null"}]
    if "anyOf" not in schema or len(branches) == len(schema["anyOf"]):
        return
    del schema["anyOf"]
    if len(branches) == 1:
        schema.update(branches[0])
    else:
        schema["anyOf"] = branches


SLOT = re.compile(r"\{([^}]+)\}")


def _renamed(operation: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """``operation`` with its path parameters renamed by ``names`` (old -> new)."""
    for parameter in operation.get("parameters", []):
        old = parameter["name"]
        if parameter.get("in") == "path" and names.get(old, old) != old:
            parameter["name"] = names[old]
            noun = old.removesuffix("Id").removesuffix("_id")
            parameter["description"] = f"Names the {noun}. {parameter.get('description', '')}".strip()
            parameter.get("schema", {}).pop("title", None)
    return operation


def merge_identical_paths(document: dict[str, Any]) -> None:
    """Join paths that differ only in their slots' names; a slot named differently becomes ``{id}``."""
    paths: dict[str, Any] = document.get("paths", {})
    groups: dict[str, list[str]] = {}
    for path in paths:
        groups.setdefault(SLOT.sub("{}", path), []).append(path)
    replaced: dict[str, tuple[str, dict[str, Any]] | None] = {}
    for shape, members in groups.items():
        if len(members) < 2:
            continue
        slots = zip(*(SLOT.findall(path) for path in members), strict=True)
        common = [names[0] if len(set(names)) == 1 else "id" for names in slots]
        merged: dict[str, Any] = {}
        for path in members:
            renames = dict(zip(SLOT.findall(path), common, strict=True))
            for method, operation in paths[path].items():
                merged[method] = _renamed(operation, renames) if method in HTTP_METHODS else operation
            replaced[path] = None
        replaced[members[0]] = (shape.format(*(f"{{{name}}}" for name in common)), merged)
    result: dict[str, Any] = {}
    for path, item in paths.items():
        new_path, new_item = replaced.get(path, (path, item)) or ("", None)
        if new_item is not None:
            result[new_path] = new_item
    document["paths"] = result


def corrected(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` (changed in place) with 400 for 422, the statuses every operation may answer, and
    paths that differ only in slot names merged."""
    for method, path, operation in operations(document):
        for parameter in operation.get("parameters", []):
            _without_null(parameter)
        responses = operation.setdefault("responses", {})
        if responses.pop("422", None) is not None:
            responses.setdefault("400", error_response(BAD_REQUEST))
        if "requestBody" in operation:
            responses.setdefault("413", error_response(TOO_LARGE))
        if any(p["name"] == "passId" and p["in"] == "path" for p in operation.get("parameters", [])):
            responses.setdefault("409", error_response(AMBIGUOUS_PASS))
        if (method, path) in RATE_LIMITED:
            responses.setdefault("429", error_response(TOO_MANY)).setdefault("headers", dict(RETRY_AFTER))
        responses.setdefault("503", error_response(UNAVAILABLE)).setdefault("headers", dict(RETRY_AFTER))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemas.setdefault("ErrorBody", ErrorBody.model_json_schema())
    merge_identical_paths(document)
    return document


def install(app: FastAPI) -> None:
    """Serve the corrected document at ``/openapi.json`` (built on first use, as FastAPI does)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = corrected(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
