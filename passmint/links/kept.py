"""Repeat visits answered from what an earlier visit kept, by the ``stamp`` the link's one lookup reads
(the versions of everything the answer is made from), without reading what the pass is made from
(issue 16, "Scale"): a shared pass's wallet delivery (kept by its wallet format: Apple's signed file,
Google's save link) and the landing page drawn from it."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

from cachetools import LRUCache

from passmint.config import Settings
from passmint.links.repository import Found
from passmint.links.schemas import Platform

PAGES_BYTES = 16 * 2**20
_pages: LRUCache[Hashable, str] = LRUCache(maxsize=PAGES_BYTES, getsizeof=len)
"""Landing pages (16 MiB of them) the same for everyone at their address, by ``page_stamp`` and language."""


def _settings_part(settings: Settings) -> tuple[object, ...]:
    """What of the settings a delivery or a page is made from (a process may serve several databases)."""
    return (
        settings.database, settings.data_dir, settings.base_url,
        settings.google_save_url, tuple(settings.google_origins),
    )  # fmt: skip


def _pass_part(one: Found) -> tuple[object, ...] | None:
    """The stamp of one link's shared pass as it is (None when it is not made, or has no stamp)."""
    shared, stamp = one.shared, one.stamp
    if shared is None or stamp is None:
        return None
    return (shared.id, shared.serial_number, shared.change_seq, shared.updated_at, *stamp)


def delivery_stamp(found: Sequence[Found], device: Platform, settings: Settings) -> Hashable | None:
    """When this visit, whose query sets no values, gets the links' shared passes as they are (none
    personalised, every shared pass made): the key under which their wallet format keeps the delivery."""
    if device is Platform.WEB:
        return None
    parts = []
    for one in found:
        part = _pass_part(one)
        if part is None or one.link.is_personalized or one.template is None:
            return None
        parts.append((one.link.id, *part))
    vendors = {one.template.vendor for one in found if one.template is not None}
    if len(vendors) != 1:
        return None
    return ("delivery", device.value, *_settings_part(settings), *parts)


def page_stamp(
    found: Found, query: Mapping[str, str], offered: frozenset[Platform], settings: Settings
) -> Hashable | None:
    """When the landing page of ``found`` is the same for everyone who opens its address (one link, no
    query but ``deviceType``: see ``visits._landing``; a personalised link's page too, though no shared
    cache may keep that one) and its shared pass is made: what the page is made of (the link's address
    and halves, the pass's stamp)."""
    link = found.link
    part = _pass_part(found)
    if part is None or set(query) - {"deviceType"}:
        return None
    halves = (link.ios_template_id, link.android_template_id, tuple(sorted(offered)))
    return ("page", link.public_id, *halves, *_settings_part(settings), *part)


def page(stamp: Hashable, accept_language: str | None) -> str | None:
    """The page kept for this stamp and ``Accept-Language`` header, if any."""
    return _pages.get((stamp, accept_language))


def keep_page(stamp: Hashable, accept_language: str | None, html: str) -> None:
    _pages[(stamp, accept_language)] = html
