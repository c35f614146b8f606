"""NFC merchants of a project: list, add (a key pair generated when none is given), get, rename, delete;
and the key an NFC pass of the project is encrypted for."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from passmint import changes
from passmint.kit.refs import Ref
from passmint.kit.time import utcnow
from passmint.models import Account, NfcMerchant
from passmint.nfc import keys, repository
from passmint.nfc.errors import MerchantNotFound
from passmint.nfc.schemas import MerchantBody, MerchantUpdate
from passmint.projects import service as project_service

KEY_VERSION = 1
APPLE_VENDORS = ("APPLE", "ANY")
GOOGLE_VENDORS = ("GOOGLE", "ANY")


@dataclass(frozen=True)
class Added:
    merchant: NfcMerchant
    private_key: str | None
    """The generated private key, handed out in this answer only; None when the key was imported."""


async def listing(session: AsyncSession, account: Account, project_ref: Ref) -> Sequence[NfcMerchant]:
    project = await project_service.get(session, account, project_ref)
    return await repository.of_project(session, project.id)


async def add(session: AsyncSession, account: Account, project_ref: Ref, body: MerchantBody) -> Added:
    project = await project_service.get(session, account, project_ref)
    generated = keys.generate() if body.public_key_pem is None else None
    merchant = NfcMerchant(
        project_id=project.id,
        vendor=body.vendor.value,
        merchant_name=body.merchant_name,
        merchant_email=body.merchant_email,
        terminal_provider=body.terminal_provider,
        public_key_pem=generated.public if generated is not None else body.public_key_pem,
        key_version=KEY_VERSION if body.key_version is None else body.key_version,
        key_source="GENERATED" if generated is not None else "IMPORTED",
        smart_tap_collector_id=body.smart_tap_collector_id,
        smart_tap_issuer_id=body.smart_tap_issuer_id if body.vendor.value in GOOGLE_VENDORS else None,
    )
    await repository.add(session, merchant)
    await _resync_google(session, merchant)
    return Added(merchant, generated.private if generated is not None else None)


async def get(session: AsyncSession, account: Account, project_ref: Ref, merchant_id: str) -> NfcMerchant:
    project = await project_service.get(session, account, project_ref)
    try:
        key = uuid.UUID(merchant_id)
    except ValueError:
        key = None
    merchant = None if key is None else await repository.get(session, project.id, key)
    if merchant is None:
        raise MerchantNotFound(f"Project {project_ref} has no NFC merchant {merchant_id}")
    return merchant


async def update(
    session: AsyncSession, account: Account, project_ref: Ref, merchant_id: str, body: MerchantUpdate
) -> NfcMerchant:
    """Rename the merchant or change its email (what is left out is kept)."""
    merchant = await get(session, account, project_ref, merchant_id)
    if "merchant_name" in body.model_fields_set:
        merchant.merchant_name = body.merchant_name
    if "merchant_email" in body.model_fields_set:
        merchant.merchant_email = body.merchant_email
    merchant.updated_at = utcnow()
    await session.flush()
    return merchant


async def delete(session: AsyncSession, account: Account, project_ref: Ref, merchant_id: str) -> NfcMerchant:
    merchant = await get(session, account, project_ref, merchant_id)
    await repository.remove(session, merchant)
    await _resync_google(session, merchant)
    merchant.updated_at = utcnow()  # the deletion's time, as the answer reports it
    return merchant


async def _resync_google(session: AsyncSession, merchant: NfcMerchant) -> None:
    """A Google (or ANY) merchant added or deleted changes the Smart Tap fields of the project's Google
    classes and objects: their templates are marked changed, so Google is sent the new ones (googleapi)."""
    if merchant.vendor in GOOGLE_VENDORS:
        for template_id in await repository.google_templates(session, merchant.project_id):
            changes.mark_template(session, template_id)


async def apple_key(session: AsyncSession, project_id: int) -> str | None:
    """The public key NFC passes of the project are encrypted for: its newest Apple (or ANY) merchant's."""
    merchant = await repository.newest_for(session, project_id, APPLE_VENDORS)
    return None if merchant is None else merchant.public_key_pem
