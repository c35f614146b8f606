"""Callback specs (one per project), and the pass events that queue signed deliveries to them.

The reference names three callbacks: install, uninstall, and ``/v1/pass/{passId}/personalize`` (sent
when a person fills in a personalizable pass's sign-up sheet, with what they entered).
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.callbacks import repository, signing
from passmint.callbacks.errors import (
    CallbackSpecExists,
    CallbackSpecNotFound,
    CallbackUrlNotAllowed,
    SecretsUnreadable,
)
from passmint.callbacks.schemas import CallbackSpecBody
from passmint.jobs.queue import enqueue
from passmint.kit import netguard
from passmint.kit.crypto import SealedDataUnreadable, SecretBox
from passmint.kit.refs import Ref
from passmint.kit.time import format_utc
from passmint.models import Account, CallbackSpec, Pass
from passmint.projects import service as project_service

DELIVER = "callbacks.deliver"
EVENT_PATHS = {
    "install": "/v1/pass/install",
    "uninstall": "/v1/pass/uninstall",
    "personalize": "/v1/pass/{pass_id}/personalize",
}
PLATFORMS = {"ios": "ios", "ipados": "ios", "watchos": "ios", "macos": "ios", "android": "android"}
"""Device systems to the reference's two platforms: Apple Wallet on a watch or a Mac counts as ``ios``."""
PASS_ATTRIBUTES = ("id", "template_id", "serial_number", "external_id", "created_at", "updated_at")

Event = Literal["install", "uninstall", "personalize"]


@dataclass(frozen=True)
class SpecView:
    """A project's callback spec with its headers and signing secret opened, as printed."""

    spec: CallbackSpec
    headers: dict[str, str]
    signing_secret: str


def sealing_box(secret_key: str) -> SecretBox:
    """The box a spec's signing secret and headers are sealed in, each bound to its project's id (the
    secret and the headers under different contexts, so neither opens in the other's place)."""
    return SecretBox(secret_key, purpose="callback-signing")  # the purpose its first secrets were sealed for


async def get(session: AsyncSession, account: Account, ref: Ref, box: SecretBox) -> SpecView:
    """The callback spec of the account's project named by ``ref``."""
    return opened(box, await _spec_of(session, account, ref))


def opened(box: SecretBox, spec: CallbackSpec) -> SpecView:
    """``spec`` with its headers and signing secret opened."""
    return SpecView(spec, opened_headers(box, spec), signing_secret(box, spec))


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
        sealed_headers=_sealed_headers(box, project.id, body.headers),
        sealed_signing_secret=box.seal(secret.encode(), context=_context(project.id)),
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
    spec.sealed_headers = _sealed_headers(box, spec.project_id, body.headers)
    await session.flush()
    return SpecView(spec, dict(body.headers), signing_secret(box, spec))


async def delete(session: AsyncSession, account: Account, ref: Ref) -> None:
    """Remove the project's callback spec; deliveries still queued for it are dropped when they run."""
    await repository.delete(session, await _spec_of(session, account, ref))


def signing_secret(box: SecretBox, spec: CallbackSpec) -> str:
    """The spec's ``whsec_...`` signing secret, opened."""
    return _open(box, spec, spec.sealed_signing_secret, _context(spec.project_id), "signing secret")


def opened_headers(box: SecretBox, spec: CallbackSpec) -> dict[str, str]:
    """The headers the spec sends with every delivery, opened."""
    sealed, context = spec.sealed_headers, _headers_context(spec.project_id)
    headers: dict[str, str] = json.loads(_open(box, spec, sealed, context, "headers"))
    return headers


def _sealed_headers(box: SecretBox, project_id: int, headers: dict[str, str]) -> bytes:
    return box.seal(json.dumps(headers).encode(), context=_headers_context(project_id))


def _open(box: SecretBox, spec: CallbackSpec, sealed: bytes, context: bytes, what: str) -> str:
    try:
        return box.open(sealed, context=context).decode()
    except SealedDataUnreadable:
        raise SecretsUnreadable(
            f"The callback {what} of project {spec.project_id} cannot be decrypted: "
            "PASSMINT_SECRET_KEY is not the one it was stored with"
        ) from None


def target_url(base_url: str, path: str) -> str:
    """``path`` appended to the path of ``base_url`` (one slash between them), its query kept."""
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + path.lstrip("/")))


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
    if event not in EVENT_PATHS:
        raise ValueError(f"unknown callback event {event!r}")
    reported = PLATFORMS.get(platform.lower())
    if reported is None:
        raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}, not {platform!r}")
    await repository.load_attributes(session, pass_, PASS_ATTRIBUTES)
    project_id = await repository.project_with_spec(session, pass_.template_id)
    if project_id is None:
        return
    payload = {
        "project_id": project_id,
        "delivery_id": str(uuid.uuid4()),
        "event": event,
        "pass_id": pass_.id,
        "path": EVENT_PATHS[event].format(pass_id=pass_.id),
        "body": json.dumps(callback_body(pass_, reported, personalization), separators=(",", ":")),
    }
    await enqueue(session, DELIVER, payload)


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


def _context(project_id: int) -> bytes:
    return project_id.to_bytes(8, "big")


def _headers_context(project_id: int) -> bytes:
    return b"headers:" + _context(project_id)
