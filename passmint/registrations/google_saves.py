"""Google Wallet's save and delete callbacks, as registrations: a save starts one, a delete ends one.

A callback is verified first (``google.callbacks.verify``, with Google's root keys); a forgery changes
nothing. Its nonce is then kept, so a replay changes nothing either. A save registers the pass as an
Apple device does (``service.register``: installed, the install callback with ``platform: android``); a
delete ends the pass's oldest Google registration (``service.end_by_ids``: uninstalled, with its
callback, when nothing holds the pass any more). An object passmint did not make is acknowledged and
changes nothing, so that Google stops sending it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from enum import Enum

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.certificates.google_accounts import project_google_account
from passmint.config import Settings
from passmint.designs import Vendor
from passmint.google import ids
from passmint.google.callbacks import Envelope, SavedOrDeleted, check, verify
from passmint.google.errors import UnknownSigningKey
from passmint.kit.time import utcnow
from passmint.models import Account, Pass
from passmint.passes import service as pass_service
from passmint.registrations import nonces, repository, service
from passmint.registrations.google_keys import RootKeys
from passmint.registrations.wallet_apps import GOOGLE_WALLET
from passmint.wallets import format_of

log = logging.getLogger(__name__)

NONCE_DAYS = 7
"""A nonce is kept this long at least (and until its message expires), as Google's duplicates come
within days."""
PRUNE = 100
"""Expired nonces deleted by each callback, at most."""


class Outcome(Enum):
    SAVED = "saved"
    DELETED = "deleted"
    REPLAYED = "replayed"
    IGNORED = "ignored"
    """Not a pass passmint made for this issuer, or a delete of a pass Google Wallet does not hold."""


async def receive(
    session: AsyncSession, envelope: Envelope, keys: RootKeys, client: httpx.AsyncClient, settings: Settings
) -> Outcome:
    """Verify the callback and apply it once; ``GoogleCallbackRefused`` when it does not verify."""
    now = utcnow()
    message = await _verified(envelope, keys, client, int(now.timestamp() * 1000))
    await nonces.delete_nonces_before(session, now, PRUNE)
    expires = max(now + timedelta(days=NONCE_DAYS), datetime.fromtimestamp(message.expires_ms / 1000, UTC))
    if not await nonces.keep_nonce(session, message.nonce, expires):
        return Outcome.REPLAYED
    pass_ = await _pass_of(session, message, settings)
    if pass_ is None:
        log.info("Google callback for an object passmint did not make: %s", message.object_id)
        return Outcome.IGNORED
    if message.event == "save":
        await service.register(
            session,
            pass_,
            device_library_identifier=None,
            pass_type_identifier=message.class_id,
            push_token=None,
            client=GOOGLE_WALLET,
            user_agent=None,
        )
        return Outcome.SAVED
    registration = await repository.oldest_active_of_wallet(session, pass_.id, GOOGLE_WALLET.wallet)
    if registration is None:
        return Outcome.IGNORED
    await service.end_by_ids(session, [registration.id])
    return Outcome.DELETED


async def _verified(
    envelope: Envelope, keys: RootKeys, client: httpx.AsyncClient, now_ms: int
) -> SavedOrDeleted:
    """The verified message; the root keys are fetched again once if none of the kept ones signed it."""
    recipient = check(envelope, now_ms=now_ms).issuer_id  # the issuer the message says it is for
    try:
        return verify(envelope, await keys.get(client, now_ms=now_ms), recipient=recipient, now_ms=now_ms)
    except UnknownSigningKey:
        if not keys.stale():
            raise
    fresh = await keys.get(client, now_ms=now_ms, refresh=True)
    return verify(envelope, fresh, recipient=recipient, now_ms=now_ms)


async def _pass_of(session: AsyncSession, message: SavedOrDeleted, settings: Settings) -> Pass | None:
    """The Google pass the message's object is, if passmint made it for the issuer that signed it."""
    named = ids.pass_id_of(message.object_id)
    if named is None or named[0] != message.issuer_id:
        return None
    pass_ = await session.get(Pass, named[1])
    if pass_ is None:
        return None
    template, project = await pass_service.project_of(session, pass_)
    if format_of(template.vendor).vendor is not Vendor.GOOGLE:
        return None
    account = await session.get(Account, pass_.account_id)
    assert account is not None  # a pass belongs to an account
    issuer = (await project_google_account(session, account, project, settings)).issuer_id
    return pass_ if issuer == named[0] else None
