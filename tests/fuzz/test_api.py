"""Every operation of ``/openapi.json`` fuzzed against the real app: no 5xx, answers as documented.

The requests come from schemathesis (``tests/fuzz/schema.py``: budget, seed, how ids are aimed at the
seeded objects of ``tests/fuzz/seeds.py``). Every failure fails the test: there is no list of tolerated ones.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tests.conftest import ApiClient
from tests.fuzz.schema import schema
from tests.fuzz.seeds import Seeds

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
]


REF_OVERLAPS = {"POST /v1/project/id/{externalId}"}
"""Paths whose URLs another path also names: ``/v1/project/id/x`` is ``/v1/project/{projectId}`` with
``projectId=id/x`` too, so its ``Allow`` rightly lists that path's methods as well."""


def _octets(value: str | bytes) -> bytes:
    """A header value as sent: Latin-1 as HTTP/1.1 has it (httpx would refuse anything not ASCII)."""
    if isinstance(value, bytes):
        return value
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode()


def request_of(case: Case) -> dict[str, Any]:
    """The case as ``httpx`` request arguments."""
    kwargs = case.as_transport_kwargs(base_url="http://localhost")
    request: dict[str, Any] = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        "headers": {name: _octets(value) for name, value in (kwargs.get("headers") or {}).items()},
        "params": kwargs.get("params") or None,
    }
    if "json" in kwargs:
        request["content"] = json.dumps(kwargs["json"]).encode()
    elif "data" in kwargs:
        request["content" if isinstance(kwargs["data"], bytes | str) else "data"] = kwargs["data"]
    if kwargs.get("files"):
        request["files"] = kwargs["files"]
    return request


async def send(api: ApiClient, case: Case) -> httpx.Response:
    """The app's answer; an exception the app raised (a 500) is raised with how to reproduce it."""
    try:
        return await api.request(**request_of(case))
    except Exception as error:  # the app's own exception, re-raised by the ASGI transport
        error.add_note(f"Reproduce with: {case.as_curl_command(base_url='http://localhost')}")
        raise


def validate(case: Case, response: httpx.Response) -> None:
    """Run the checks; raise on any failure (but the ``Allow`` of a path another path also names)."""
    try:
        case.validate_response(response, checks=CHECKS)
    except FailureGroup as group:
        for failure in group.exceptions:
            if not ("allow_header_conformance" in failure.checks and case.operation.label in REF_OVERLAPS):
                raise


async def check(case: Case, api: ApiClient) -> None:
    validate(case, await send(api, case))


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_operation(case: Case, api: ApiClient, seeds: Seeds, app_loop: asyncio.AbstractEventLoop) -> None:
    app_loop.run_until_complete(check(case, api))
