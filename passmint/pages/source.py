"""Where the landing page reads a pass from: the file its wallet installs (Apple's signed .pkpass, kept
by ``wallets.apple`` once signed), so the page shows what the phone will; a pass of a wallet that
delivers no file (Google's saves from a link) is drawn from its template's and its own headers."""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from contextlib import suppress
from typing import Any

from cachetools import LRUCache
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.apple.render_fields import COLOR_HEADERS
from passmint.apple.render_headers import barcodes, header_value, merged_headers
from passmint.apple.render_values import apple_colour, given
from passmint.config import Settings
from passmint.kit.threads import in_thread
from passmint.pages.card import PassFiles, read_pkpass
from passmint.wallets import PassRecord, format_of

_read: LRUCache[Hashable, PassFiles] = LRUCache(maxsize=32 * 2**20, getsizeof=lambda files: files.size)
"""Unzipped passes (32 MiB of them) by the digest of their file."""


async def pass_files(
    session: AsyncSession, record: PassRecord, settings: Settings
) -> tuple[PassFiles, Hashable]:
    """The pass's document and files, and a version that changes whenever they do."""
    wallet = format_of(record.template.vendor)
    if not wallet.delivers_file:
        return _from_headers(record)
    download = await wallet.deliver(session, record, settings)
    version = hashlib.sha256(download.data).hexdigest()
    files = _read.get(version)
    if files is None:
        files = await in_thread(read_pkpass, download.data)
        _read[version] = files
    return files, version


def _from_headers(record: PassRecord) -> tuple[PassFiles, Hashable]:
    """A pass.json-like document of the headers both wallets share: colours, logo text, barcode."""
    template, pass_, project = record.template, record.pass_, record.project
    headers, _ = merged_headers(template.design, pass_.values)
    document: dict[str, Any] = {
        "generic": {},
        "organizationName": project.name,
        "description": template.description or template.name,
        "logoText": given(header_value(headers, "logo_text")) or template.name,
    }
    for name, key in COLOR_HEADERS.items():
        if colour := apple_colour(header_value(headers, name)):
            document[key] = colour
    with suppress(KeyError):  # a barcode type Apple has no name for: no barcode drawn
        document.update(barcodes(headers, project.settings))
    version = ("headers", template.id, template.updated_at, pass_.id, pass_.updated_at, project.updated_at)
    return PassFiles(document, {}), version
