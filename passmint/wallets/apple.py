"""Apple Wallet: designs and values checked by the pure engine in ``passmint.apple``; a pass delivered
as a signed .pkpass.

Rendering, signing and zipping are CPU work: they run in worker threads (``kit.threads``), so the
event loop keeps answering other requests meanwhile; a signed pass is kept (``_signed``) and served
again until anything it is made from changes."""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.apple import PassSigner, build_pkpass, build_pkpasses
from passmint.apple.errors import Problem
from passmint.apple.render import (
    DEFAULT_PERSONALIZATION_LOGO,
    PassIdentity,
    RenderedPass,
    check_design,
    check_expiry,
    check_values,
    render_pass,
)
from passmint.apple.render_values import barcode_format
from passmint.apple.semantics import journey_values
from passmint.certificates.service import project_signer
from passmint.config import Settings
from passmint.designs import APPLE_HEADERS, AppleField, Vendor
from passmint.images import service as image_service
from passmint.kit.filecache import FileCache
from passmint.kit.files import Download
from passmint.kit.lru import BytesLRU
from passmint.kit.threads import in_thread
from passmint.models import Project
from passmint.wallets.format import PassRecord

PKPASS = "application/vnd.apple.pkpass"
PKPASSES = "application/vnd.apple.pkpasses"
PERSONALIZATION, PERSONALIZATION_LOGO = "personalization", "personalization_logo"
_signed = BytesLRU()
"""Signed passes by ``_signed_version``: a pass unchanged since it was last signed is not signed again."""
STAMPS = 10_000
_stamped: LRUCache[Hashable, tuple[Hashable, str, str, datetime]] = LRUCache(maxsize=STAMPS)
"""The key in ``_signed`` (a ``_signed_version``, or a bundle's), media type, file name and last change
of what was delivered under a stamp (``kept``), the least recently used dropped past ``STAMPS``."""
_shared: dict[Path, FileCache] = {}
"""The file cache of signed passes of each data dir, behind ``_signed``: shared between processes."""
APPLE_FIELDS = {
    "name": "PKPassPersonalizationFieldName",
    "postalCode": "PKPassPersonalizationFieldPostalCode",
    "emailAddress": "PKPassPersonalizationFieldEmailAddress",
    "phoneNumber": "PKPassPersonalizationFieldPhoneNumber",
}


class AppleWallet:
    """Apple Wallet's format (see ``wallets.format.WalletFormat``)."""

    vendor = Vendor.APPLE
    vendor_id = 1
    platform = "ios"
    headers = frozenset(APPLE_HEADERS)
    field_model: type[BaseModel] = AppleField
    personalizable = True
    delivers_file = True

    def field_problems(self, path: str, field: Mapping[str, Any]) -> list[Problem]:
        return []

    def design_problems(
        self, design: Mapping[str, Any], project: Project, expiry: Mapping[str, Any] | None
    ) -> list[Problem]:
        found = check_design(design, project_type=project.project_type, project_settings=project.settings)
        return found + check_expiry(expiry)

    def value_problems(
        self, design: Mapping[str, Any], values: Mapping[str, Any], project: Project
    ) -> list[Problem]:
        return check_values(design, values, project_settings=project.settings)

    def barcode_spelling(self, value: object) -> object:
        return barcode_format(value) or value

    async def render(self, session: AsyncSession, record: PassRecord, settings: Settings) -> dict[str, Any]:
        signer = await project_signer(session, record.account, record.project, settings, record.credentials)
        return dict((await _render(session, record, settings, signer)).pass_json)

    async def deliver(
        self, session: AsyncSession, record: PassRecord, settings: Settings, stamp: Hashable | None = None
    ) -> Download:
        """The signed pass; ``stamp`` (see ``kept``), when given, names it for later visits."""
        signer = await project_signer(session, record.account, record.project, settings, record.credentials)
        key = _signed_version(record, signer, settings)
        data = _signed.get(key)
        if data is None:
            shared = _shared_cache(settings)
            data = shared.get(repr(key)) if shared is not None else None
            if data is None:
                rendered = await _render(session, record, settings, signer)
                data = await in_thread(build_pkpass, rendered.pass_json, rendered.files, signer)
                if shared is not None:
                    await in_thread(shared.put, repr(key), data)
            _signed.put(key, data, int(settings.pkpass_cache_bytes))
        delivered = Download(data, PKPASS, f"pass-{record.pass_.id}.pkpass", record.changed_at)
        if stamp is not None:
            await _keep(stamp, key, delivered, settings)
        return delivered

    async def _bundle(self, files: Sequence[Download], filename: str) -> Download:
        newest = max(file.last_modified for file in files)
        data = await in_thread(build_pkpasses, [file.data for file in files])
        return Download(data, PKPASSES, filename, newest)

    async def deliver_many(
        self,
        session: AsyncSession,
        records: Sequence[PassRecord],
        settings: Settings,
        filename: str,
        stamp: Hashable | None = None,
    ) -> Download:
        if len(records) == 1:
            return await self.deliver(session, records[0], settings, stamp=stamp)
        bundle = await self._bundle(
            [await self.deliver(session, record, settings) for record in records], filename
        )
        if stamp is not None:  # the bundle is kept whole (its passes' keys are in the stamp)
            _signed.put(("pkpasses", stamp), bundle.data, int(settings.pkpass_cache_bytes))
            await _keep(stamp, ("pkpasses", stamp), bundle, settings)
        return bundle

    def kept(self, stamp: Hashable, settings: Settings) -> Download | None:
        """The signed pass (or bundle) ``deliver`` was last given this stamp for, in this process or
        (through the file cache, under the stamp) another, if still kept: a stamp holds the versions of
        everything ``_signed_version`` reads (``links.repository.by_public_ids`` and
        ``wallets.repository.signed_versions`` read them in a request's one lookup), so a pass found by
        its stamp is the one ``deliver`` would answer."""
        found = _stamped.get(stamp)
        data = None if found is None else _signed.get(found[0])
        if found is not None and data is not None:
            return Download(data, *found[1:])
        shared = _shared_cache(settings)
        if shared is None:
            return None
        kept = _unpack(shared.get(_stamp_name(stamp)))
        if kept is None:
            return None
        key = ("stamp", stamp) if found is None else found[0]
        _signed.put(key, kept.data, int(settings.pkpass_cache_bytes))
        _stamped[stamp] = (key, kept.media_type, kept.filename, kept.last_modified)
        return kept

    def design_images(self, design: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
        return {}


async def _keep(stamp: Hashable, key: Hashable, delivered: Download, settings: Settings) -> None:
    """Name ``delivered`` (kept in ``_signed`` under ``key``) by ``stamp`` for ``kept``, here and, for the
    other processes of the data dir (which do not know the stamp), in the file cache under the stamp."""
    _stamped[stamp] = (key, delivered.media_type, delivered.filename, delivered.last_modified)
    shared = _shared_cache(settings)
    if shared is not None:
        await in_thread(shared.put, _stamp_name(stamp), _pack(delivered))


def _stamp_name(stamp: Hashable) -> str:
    """The file cache's name of the delivery kept under ``stamp`` (made of plain values, so every
    process spells it alike)."""
    return repr(("stamp", stamp))


def _pack(delivered: Download) -> bytes:
    """A delivery as the file cache keeps it under a stamp: one line of JSON (media type, file name,
    last change), then the bytes."""
    head = [delivered.media_type, delivered.filename, delivered.last_modified.isoformat()]
    return json.dumps(head).encode() + b"\n" + delivered.data


def _unpack(stored: bytes | None) -> Download | None:
    """What ``_pack`` stored (None for nothing, or for an entry that is not whole)."""
    head, newline, data = (stored or b"").partition(b"\n")
    if not newline:
        return None
    try:
        media, filename, changed = json.loads(head)
        return Download(data, str(media), str(filename), datetime.fromisoformat(changed))
    except (ValueError, TypeError):
        return None


def _shared_cache(settings: Settings) -> FileCache | None:
    """The signed passes every process of this data dir shares (``PASSMINT_PKPASS_FILE_CACHE_BYTES``)."""
    budget = int(settings.pkpass_file_cache_bytes)
    if budget <= 0:
        return None
    directory = (settings.data_dir / "cache" / "pkpass").resolve()
    found = _shared.get(directory)
    if found is None or found.budget != budget:
        found = _shared[directory] = FileCache(directory, budget)
    return found


def _signed_version(record: PassRecord, signer: PassSigner, settings: Settings) -> Hashable:
    """Everything a signed pass is made from, as a cache key: its own and its template's change numbers
    and times, its project's last change, its places, the signer's certificates and the public URL.
    The serial number (random) keeps passes of different databases in one process apart."""
    pass_, template, project = record.pass_, record.template, record.project
    return (
        settings.database,
        pass_.id,
        pass_.serial_number,
        pass_.change_seq,
        pass_.updated_at,
        template.id,
        template.change_seq,
        template.updated_at,
        project.id,
        project.updated_at,
        json.dumps(record.locations, sort_keys=True, default=str),
        None if record.journey is None else (record.journey.id, record.journey.updated_at),
        signer.fingerprint,
        settings.base_url,
    )


async def _render(
    session: AsyncSession, record: PassRecord, settings: Settings, signer: PassSigner
) -> RenderedPass:
    pass_, template, project = record.pass_, record.template, record.project
    identity = PassIdentity(
        serial_number=pass_.serial_number,
        authentication_token=pass_.authentication_token,
        web_service_url=f"{settings.base_url}/apple",
        pass_type_identifier=signer.pass_type_identifier,
        team_identifier=signer.team_identifier,
        organization_name=project.name,
        description=template.description or template.name,
        created_at=pass_.created_at,
    )
    images = await _images(session, {**template.image_digests, **pass_.image_digests})
    logo = images.pop(PERSONALIZATION_LOGO, DEFAULT_PERSONALIZATION_LOGO)
    rendered = await in_thread(
        render_pass,
        project_type=project.project_type,
        project_settings=project.settings,
        design={**template.design, "locations": record.locations},
        expiry=template.expiry,
        values=_shown_values(record),
        identity=identity,
        images=images,
    )
    return _with_personalization(rendered, record, logo)


def _shown_values(record: PassRecord) -> dict[str, Any]:
    """The pass's values, with the flight or event it shows (see ``apple.semantics.journey_values``)."""
    journey = record.journey
    if journey is None:
        return dict(record.pass_.values)
    return journey_values(record.pass_.values, record.template.design, journey.fields, journey.semantics)


def _with_personalization(rendered: RenderedPass, record: PassRecord, logo: bytes) -> RenderedPass:
    """Add Apple's sign-up files while the pass awaits personalization (Apple requires NFC for it)."""
    requirements = record.template.design.get(PERSONALIZATION)
    if requirements is None or PERSONALIZATION in record.pass_.values or "nfc" not in rendered.pass_json:
        return rendered
    document = {
        "requiredPersonalizationFields": [
            APPLE_FIELDS[name] for name in requirements["requiredPersonalizationFields"]
        ],
        "description": requirements["description"],
    }
    if "termsAndConditions" in requirements:
        document["termsAndConditions"] = requirements["termsAndConditions"]
    files = {
        **rendered.files,
        "personalization.json": json.dumps(document).encode(),
        "personalizationLogo.png": logo,
    }
    return RenderedPass(rendered.pass_json, files)


async def _images(session: AsyncSession, digests: dict[str, str]) -> dict[str, bytes]:
    stored = await image_service.data_many(session, set(digests.values()))
    return {name: stored[digest] for name, digest in digests.items() if digest in stored}
