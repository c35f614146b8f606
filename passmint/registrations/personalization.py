"""Apple's personalize call: sign the token Wallet sends for a pass awaiting sign-up, for that pass only.

Anyone may call it (Apple's protocol sends no credential), and it signs with the Pass Type ID key in
the very format of a pass signature, so what it signs is held tight: only a string that can be one of
Wallet's tokens (never a ``manifest.json``), only for a pass that shows the sign-up sheet, only one
token per pass (Wallet's retry of the same token is answered again), and at a bounded rate.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint import changes
from passmint.callbacks import service as callbacks
from passmint.certificates.service import project_signer
from passmint.config import Settings
from passmint.kit.ratelimit import RateLimit
from passmint.kit.threads import in_thread
from passmint.kit.time import format_utc, utcnow
from passmint.models import Account, Pass, Template
from passmint.passes import service as pass_service
from passmint.registrations import repository
from passmint.registrations import service as registration_service
from passmint.registrations.errors import (
    PassAlreadyPersonalized,
    PersonalizationNotOffered,
    PersonalizationTokenInvalid,
)

TOKEN_PATTERN = r"^[A-Za-z0-9+/=_.~-]{1,256}$"
"""A personalization token: Apple documents it only as a string Wallet makes; seen in practice as short
base64, hex or UUID text. Nothing that is JSON (no ``{``, quotes, spaces or line breaks) can match."""
_TOKEN = re.compile(TOKEN_PATTERN)
KEY = "personalization"


def _per_address() -> RateLimit:
    return RateLimit(per_minute=30, burst=30)


def _per_pass() -> RateLimit:
    return RateLimit(per_minute=5 / 60, burst=5)  # five tries, then one every 12 minutes


@dataclass
class Limits:
    """Personalize calls a client address, and a pass, may make (per process)."""

    per_address: RateLimit = field(default_factory=_per_address)
    per_pass: RateLimit = field(default_factory=_per_pass)


async def personalize(
    session: AsyncSession,
    *,
    pass_type_identifier: str,
    serial_number: str,
    token: str,
    info: dict[str, str],
    client: str,
    limits: Limits,
    settings: Settings,
) -> bytes:
    """Keep what a person entered on the pass's sign-up sheet and answer Wallet's token signed with the
    pass's certificate (detached PKCS#7). The first call changes the pass (its sign-up files go) and
    queues the ``personalize`` callback; the same token again only signs again; another token is refused.
    """
    limits.per_address.take(client, "to personalize passes from this address")
    limits.per_pass.take(serial_number, "to personalize this pass")
    if not _TOKEN.fullmatch(token):
        raise PersonalizationTokenInvalid(
            "personalizationToken: not a personalization token",
            details=[{"field": "personalizationToken", "location": "body", "message": "not a token"}],
        )
    pass_ = await registration_service.pass_of_type(session, pass_type_identifier, serial_number)
    template, project = await pass_service.project_of(session, pass_)
    if not _offers_personalization(template, pass_):
        raise PersonalizationNotOffered(f"Pass {serial_number} is not personalizable")
    digest = hashlib.sha256(token.encode()).hexdigest()
    first = KEY not in pass_.values
    if not first and pass_.personalization_token_digest != digest:
        raise PassAlreadyPersonalized(f"Pass {serial_number} was personalized with another token")
    if not await repository.claim_personalization(session, pass_.id, digest):
        raise PassAlreadyPersonalized(f"Pass {serial_number} was personalized with another token")
    if first:
        await _keep(session, pass_, info)
    account = await session.get(Account, pass_.account_id)
    assert account is not None  # the foreign key guarantees it
    signer = await project_signer(session, account, project, settings)
    return await in_thread(signer.sign, token.encode())


def _offers_personalization(template: Template, pass_: Pass) -> bool:
    """Whether the pass shows the sign-up sheet (its template asks for personalization; Apple requires
    NFC for it, so only a pass with ``nfc`` shows it; see wallets/apple.py)."""
    nfc: Any = pass_.values.get("nfc") or template.design.get("nfc")
    return KEY in template.design and bool(nfc)


async def _keep(session: AsyncSession, pass_: Pass, info: dict[str, str]) -> None:
    now = utcnow()
    pass_.values = {**pass_.values, KEY: info | {"personalizedAt": format_utc(now)}}
    pass_.updated_at = now
    changes.mark_passes(session, [pass_.id])
    await callbacks.emit(session, pass_, "personalize", platform="ios", personalization=info)
