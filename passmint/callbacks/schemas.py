"""Wire models of ``/v1/project/{projectId}/settings/callback`` and the body of a callback."""

from __future__ import annotations

import re
from typing import Annotated

import httpx
from pydantic import AfterValidator, Field, StringConstraints, field_validator

from passmint.kit.schemas import ApiModel, InputModel

MAX_URL_LENGTH = 2048
MAX_HEADERS = 50
MAX_HEADER_NAME = 256
MAX_HEADER_VALUE = 4096
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""An HTTP header name (RFC 9110 "token")."""
VALUE = re.compile(r"[\t\x20-\x7e]*")
"""A header value passmint can send: printable ASCII, spaces and tabs; never CR or LF."""
RESERVED_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection"}
    | {"webhook-id", "webhook-timestamp", "webhook-signature"}
)
"""Set by passmint on every delivery: framing, and the signature receivers must be able to trust."""


def _base_url(value: str) -> str:
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL as error:
        raise ValueError(f"is not a valid URL ({error})") from error
    if url.scheme not in ("http", "https"):
        raise ValueError("must be an http:// or https:// URL")
    if not url.host:
        raise ValueError("has no host")
    if url.userinfo:
        raise ValueError("may not carry a user name or password; send credentials in headers instead")
    if url.fragment:
        raise ValueError("may not have a #fragment")
    return value


def _header_name(name: str) -> str:
    if not TOKEN.fullmatch(name):
        raise ValueError("is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only)")
    if name.lower() in RESERVED_HEADERS:
        raise ValueError(f"'{name}' is set by passmint on every delivery and cannot be configured")
    return name


def _header_value(value: str) -> str:
    if not VALUE.fullmatch(value):
        raise ValueError("may hold printable ASCII characters only (no line breaks)")
    return value


BaseUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_URL_LENGTH),
    AfterValidator(_base_url),
]
HeaderName = Annotated[str, StringConstraints(max_length=MAX_HEADER_NAME), AfterValidator(_header_name)]
HeaderValue = Annotated[str, StringConstraints(max_length=MAX_HEADER_VALUE), AfterValidator(_header_value)]


class CallbackSpecBody(InputModel):
    """Create and update take the same body; an update replaces the whole spec."""

    read_only = frozenset({"signingSecret"})

    base_url: BaseUrl = Field(description="The URL of your callback server; events go to paths under it.")
    headers: dict[HeaderName, HeaderValue] = Field(
        default_factory=dict,
        max_length=MAX_HEADERS,
        description="Headers sent with every callback, e.g. `Authorization`.",
    )

    @field_validator("headers")
    @classmethod
    def _distinct_names(cls, headers: dict[str, str]) -> dict[str, str]:
        seen: set[str] = set()
        for name in headers:
            if name.lower() in seen:
                raise ValueError(f"has '{name}' twice (header names ignore case)")
            seen.add(name.lower())
        return headers


class CallbackSpecRead(ApiModel):
    base_url: str
    headers: dict[str, str]
    signing_secret: str = Field(
        description="Verifies the `webhook-signature` of each callback (Standard Webhooks, HMAC-SHA256)."
    )
