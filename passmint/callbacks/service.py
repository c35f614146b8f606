"""Callback specs (one per project), and the pass events that queue signed deliveries to them.

The reference names three callbacks: install, uninstall, and ``/v1/pass/{passId}/personalize`` (sent
when a person fills in a personalizable pass's sign-up sheet, with what they entered).
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from typing import Any, Literal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.callbacks import repository, signing
from passmint.callbacks.errors import (
    CallbackSpecExists,
    CallbackSpecNotFound,
    CallbackUrlNotAllowed,
)
from passmint.callbacks.schemas import CallbackSpecBody
from passmint.callbacks.sealed import (
    SpecView,
    context_of,
    opened,
    sealed_headers,
    signing_secret,
)
from passmint.callbacks.tasks import Deliver
from passmint.jobs.queue import enqueue
from passmint.kit import netguard
from passmint.kit.crypto import SecretBox
from passmint.kit.refs import Ref
from passmint.kit.time import format_utc
from passmint.models import Account, CallbackSpec, Pass
from passmint.projects import service as project_service

DELIVER = Deliver.kind
EVENT_PATHS = {
    "install": "/v1/pass/install",
    "uninstall": "/v1/pass/uninstall",
    "personalize": "/v1/pass/{pass_id}/personalize",
}
PLATFORMS = {"ios": "ios", "ipados": "ios", "watchos": "ios", "macos": "ios", "android": "android"}
"""Device systems to the reference's two platforms: Apple Wallet on a watch or a Mac counts as ``ios``."""
PASS_ATTRIBUTES = ("id", "template_id", "serial_number", "external_id", "created_at", "updated_at")

Event = Literal["install", "uninstall", "personalize"]


async def get(session: AsyncSession, account: Account, ref: Ref, box: SecretBox) -> SpecView:
    """The callback spec of the account's project named by ``ref``."""
    return opened(box, await _spec_of(session, account, ref))


async def create(
    session: AsyncSession,
    account: Account,
    ref: Ref,
    body: CallbackSpecBody,
    box: SecretBox,
    *,
    allow_private: bool,
) -> SpecView:
    """Register the project's callback spec, with a new signing secret; a project has at most one."""
    project = await project_service.get(session, account, ref)
    _check_host(body.base_url, allow_private=allow_private)
    secret = signing.new_secret()
    spec = CallbackSpec(
        project_id=project.id,
        base_url=body.base_url,
        sealed_headers=sealed_headers(box, project.id, body.headers),
        sealed_signing_secret=box.seal(secret.encode(), context=context_of(project.id)),
    )
    stored = await repository.add(session, spec)
    if stored is None:
        raise CallbackSpecExists(f"Project {ref} already has a callback specification; update it with PUT")
    return SpecView(stored, dict(body.headers), secret)


async def replace(
    session: AsyncSession,
    account: Account,
    ref: Ref,
    body: CallbackSpecBody,
    box: SecretBox,
    *,
    allow_private: bool,
) -> SpecView:
    """Replace the URL and headers of the project's callback spec; the signing secret stays."""
    spec = await _spec_of(session, account, ref)
    _check_host(body.base_url, allow_private=allow_private)
    spec.base_url = body.base_url
    spec.sealed_headers = sealed_headers(box, spec.project_id, body.headers)
    await session.flush()
    return SpecView(spec, dict(body.headers), signing_secret(box, spec))


async def delete(session: AsyncSession, account: Account, ref: Ref) -> None:
    """Remove the project's callback spec; deliveries still queued for it are dropped when they run."""
    await repository.delete(session, await _spec_of(session, account, ref))


async def emit(
    session: AsyncSession,
    pass_: Pass,
    event: Event,
    *,
    platform: str,
    personalization: dict[str, str] | None = None,
) -> None:
    """Queue a callback of ``event`` for ``pass_`` if its project has a callback spec, in the caller's
    transaction: the delivery exists only if that transaction commits. ``platform`` is the device's
    system (a key of ``PLATFORMS``).

    The body is fixed now (a snapshot of the pass) with a new delivery id, so every attempt sends the
    same bytes under the same ``webhook-id``; the URL, headers and secret are read when it is sent."""
    reported = _reported(event, platform)
    await repository.load_attributes(session, pass_, PASS_ATTRIBUTES)
    project_id = await repository.project_with_spec(session, pass_.template_id)
    if project_id is not None:
        await _queue(session, project_id, pass_, event, reported, personalization)


async def emit_to(
    session: AsyncSession, project_id: int | None, pass_: Pass, event: Event, *, platform: str
) -> None:
    """``emit`` when the caller read already whether the pass's project has a callback spec
    (``project_id``: the project's id if it has one, else None), so no lookup is needed."""
    reported = _reported(event, platform)
    if project_id is not None:
        await repository.load_attributes(session, pass_, PASS_ATTRIBUTES)
        await _queue(session, project_id, pass_, event, reported, None)


def _reported(event: Event, platform: str) -> str:
    """The reference's platform for a device's system; a ValueError for an unknown event or system."""
    if event not in EVENT_PATHS:
        raise ValueError(f"unknown callback event {event!r}")
    reported = PLATFORMS.get(platform.lower())
    if reported is None:
        raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}, not {platform!r}")
    return reported


async def _queue(
    session: AsyncSession,
    project_id: int,
    pass_: Pass,
    event: Event,
    reported: str,
    personalization: dict[str, str] | None,
) -> None:
    payload = Deliver(
        project_id=project_id,
        delivery_id=str(uuid.uuid4()),
        event=event,
        pass_id=pass_.id,
        path=EVENT_PATHS[event].format(pass_id=pass_.id),
        body=json.dumps(callback_body(pass_, reported, personalization), separators=(",", ":")),
    )
    await enqueue(session, payload)


def callback_body(
    pass_: Pass, platform: str, personalization: dict[str, str] | None = None
) -> dict[str, Any]:
    """The reference's Callback object for ``pass_`` (``externalId`` only when the pass has one), with the
    person's ``personalizationInfo`` for a personalize event."""
    body: dict[str, Any] = {
        "passId": pass_.id,
        "templateId": pass_.template_id,
        "serialNumber": pass_.serial_number,
        "createdAt": format_utc(pass_.created_at),
        "updatedAt": format_utc(pass_.updated_at),
    }
    if pass_.external_id is not None:
        body["externalId"] = pass_.external_id
    body["platform"] = platform
    if personalization is not None:
        body["personalizationInfo"] = personalization
    return body


async def _spec_of(session: AsyncSession, account: Account, ref: Ref) -> CallbackSpec:
    project = await project_service.get(session, account, ref)
    spec = await repository.get(session, project.id)
    if spec is None:
        raise CallbackSpecNotFound(f"Project {ref} has no callback specification")
    return spec


def _check_host(base_url: str, *, allow_private: bool) -> None:
    """Refuse a literal non-public IP address now; a host name is checked each time a callback is sent."""
    host = httpx.URL(base_url).host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    if allow_private or netguard.is_public_address(address):
        return
    message = f"{host} is not a public internet address, and this server sends callbacks only to those"
    raise CallbackUrlNotAllowed(
        f"Invalid request. baseUrl: {message}",
        details=[{"field": "baseUrl", "location": "body", "message": message}],
    )
