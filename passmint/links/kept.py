"""A repeat visit of a link's shared Apple pass, answered by its stamp from the signed passes
``wallets.apple`` keeps, without reading what the pass is made from (issue 16, "Scale")."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings
from passmint.designs import Vendor
from passmint.kit.files import Download
from passmint.kit.time import utcnow
from passmint.links import repository
from passmint.links.repository import Stamp
from passmint.links.schemas import Platform
from passmint.models import AdaptiveLink, Pass
from passmint.wallets.apple import PKPASS, signed_by_stamp


def stamp_of(
    found: Sequence[tuple[AdaptiveLink, Pass | None, Stamp | None]],
    device: Platform,
    query: Mapping[str, str],
    settings: Settings,
) -> Hashable | None:
    """When this visit gets a link's shared Apple pass as it is (one link, not personalised, no install
    limit to count, no values in the query): the versions of all it is made from, as the key under
    which ``wallets.apple`` keeps it for such visits (``signed_by_stamp``)."""
    if len(found) != 1 or device is not Platform.IOS or set(query) - {"deviceType"}:
        return None
    link, shared, versions = found[0]
    if shared is None or versions is None or versions.vendor != Vendor.APPLE:
        return None
    if link.ios_template_id is None or link.is_personalized or link.install_limit is not None:
        return None
    pass_ = (shared.id, shared.serial_number, shared.change_seq, shared.updated_at)
    return (settings.database, settings.data_dir, settings.base_url, *pass_, *versions.versions)


async def cached(
    session: AsyncSession,
    found: tuple[AdaptiveLink, Pass | None, Stamp | None],
    stamp: Hashable,
    settings: Settings,
) -> Download | None:
    """The shared pass's signed file, if kept under ``stamp``: no further reads (the link may be touched)."""
    link, shared, versions = found
    assert shared is not None and versions is not None  # ``stamp_of`` checked
    data = signed_by_stamp(stamp, settings)
    if data is None:
        return None
    await touch(session, link)
    changed = max(shared.updated_at, versions.template_changed_at)
    return Download(data, PKPASS, f"pass-{shared.id}.pkpass", changed)


async def touch(session: AsyncSession, link: AdaptiveLink) -> None:
    """The link was used: ``ttlInDays`` counts from today (written at most once a day)."""
    now = utcnow()
    if now - link.active_at >= timedelta(days=1):
        await repository.touch(session, link.id, now, now - timedelta(days=1))
