"""Delivering callbacks: one signed POST per attempt, retried with backoff until the receiver takes it.

A delivery takes the settings and the outbound client from its worker's ``JobContext``: the client is
the one the process shares (every request closes its connection, since it went to a pinned address,
so nothing stays open between deliveries). The receiver's URL, headers and signing secret are read
from the project's callback spec when the attempt is made; the body and ``webhook-id`` were fixed
when the event happened (``Deliver``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint import __version__
from passmint.callbacks import repository, signing
from passmint.callbacks.errors import DeliveryFailed
from passmint.callbacks.sealed import opened, sealing_box, target_url
from passmint.jobs.registry import JobContext, Payload, job
from passmint.jobs.worker import PermanentFailure
from passmint.kit import netguard
from passmint.kit.outbound import port_of, send_pinned

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 15
"""With the worker's backoff (about 2 s doubling to an hour), the last attempt comes about 5 hours
after the first: a receiver down for a few hours still gets every callback."""
ATTEMPT_TIMEOUT = 10.0
"""Seconds for one attempt: the name lookup, the connection, the request and the answer."""
RETRY_STATUSES = frozenset({408, 409, 425, 429})
"""Client errors that say "later"; any other 4xx (and a 3xx, since redirects are not followed) is final."""
DEFAULT_HEADERS = {"Content-Type": "application/json", "User-Agent": f"passmint/{__version__}"}
EXCERPT = 200
"""How much of a refusing receiver's answer is kept in the job's error."""


class Deliver(Payload):
    """One callback of ``event`` about a pass: its path under the spec's URL, and its body and
    ``webhook-id`` (``delivery_id``) as they were when the event happened."""

    kind = "callbacks.deliver"
    project_id: int
    delivery_id: str
    event: str
    pass_id: int
    path: str
    body: str


@job(Deliver, max_attempts=MAX_ATTEMPTS)
async def deliver(session: AsyncSession, payload: Deliver, context: JobContext) -> None:
    """POST one callback to the project's current spec: its URL and headers as they are now, the body
    and ``webhook-id`` as they were when the event happened, signed for this attempt."""
    spec = await repository.get_apart(session, payload.project_id)
    if spec is None:
        log.info("callback %s dropped: its project has no callback spec any more", payload.delivery_id)
        return
    settings = context.settings
    assert settings.secret_key is not None
    view = opened(sealing_box(settings.secret_key.get_secret_value()), spec)
    url = target_url(spec.base_url, payload.path)
    body = payload.body.encode()
    headers = signed_headers(view.headers, view.signing_secret, payload.delivery_id, int(time.time()), body)
    try:
        async with asyncio.timeout(ATTEMPT_TIMEOUT):
            await _post(context.http, url, headers, body, allow_private=settings.allow_private_networks)
    except (TimeoutError, httpx.TimeoutException) as error:
        raise DeliveryFailed(f"{_shown(url)} did not answer within {ATTEMPT_TIMEOUT:g} s") from error
    except httpx.HTTPError as error:
        raise DeliveryFailed(
            f"{_shown(url)} could not be reached: {str(error) or type(error).__name__}"
        ) from error
    log.info("callback %s (%s) delivered", payload.delivery_id, payload.event)


def signed_headers(
    configured: dict[str, Any], secret: str, delivery_id: str, timestamp: int, body: bytes
) -> httpx.Headers:
    """The defaults, then the spec's headers over them (names ignore case), then the signature."""
    headers = httpx.Headers(DEFAULT_HEADERS)
    headers.update(configured)
    headers["webhook-id"] = delivery_id
    headers["webhook-timestamp"] = str(timestamp)
    headers["webhook-signature"] = signing.sign(secret, delivery_id, timestamp, body)
    return headers


async def _post(
    client: httpx.AsyncClient, url: str, headers: httpx.Headers, body: bytes, *, allow_private: bool
) -> None:
    """Send the callback; return if the receiver took it, raise ``DeliveryFailed`` (try again later)
    or ``PermanentFailure`` (it never will) if not."""
    target = httpx.URL(url)
    addresses = await _checked_addresses(target, allow_private=allow_private)
    response = await send_pinned(client, "POST", target, addresses, headers=headers, content=body)
    try:
        if response.is_success:
            return
        said = f"{_shown(url)} answered {_status(response.status_code)}"
        excerpt = await _excerpt(response)
        said += f": {excerpt}" if excerpt else ""
    finally:
        await response.aclose()
    if response.status_code in RETRY_STATUSES or response.status_code >= 500:
        raise DeliveryFailed(said)
    if response.is_redirect:
        raise PermanentFailure(f"{said} (redirects are not followed: set baseUrl to the final address)")
    raise PermanentFailure(said)


async def _checked_addresses(target: httpx.URL, *, allow_private: bool) -> list[str]:
    host = target.raw_host.decode("ascii")
    port = port_of(target)
    try:
        return await netguard.resolve_public(host, port, allow_private=allow_private)
    except netguard.AddressNotAllowed as error:
        raise PermanentFailure(
            f"{_shown(str(target))} is not allowed: {error.message}; callbacks go to public addresses "
            "only, unless the server runs with PASSMINT_ALLOW_PRIVATE_NETWORKS=true"
        ) from error
    except netguard.HostNotFound as error:
        raise DeliveryFailed(f"{_shown(str(target))} cannot be reached: {error.message}") from error


async def _excerpt(response: httpx.Response) -> str:
    """The start of the answer's body, on one line."""
    data = b""
    chunks_of = cast(AsyncGenerator[bytes, None], response.aiter_bytes())  # it is one; typed as an iterator
    async with contextlib.aclosing(chunks_of) as chunks:
        async for chunk in chunks:
            data += chunk
            if len(data) >= EXCERPT:
                break
    return " ".join(data[:EXCERPT].decode("utf-8", "replace").split())


def _status(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _shown(url: str) -> str:
    """``url`` as errors and logs show it: without its query, which may carry a token."""
    return urlunsplit(urlsplit(url)._replace(query="", fragment=""))
