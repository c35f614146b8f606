"""A pass as its wallet takes it: found, then delivered by its template's wallet format (``wallets``).

The routes that answer a pass file (by id, by external id, behind a public link, to a device) and the
bundles of several passes come here; what the file holds is the format's business."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings
from passmint.kit.files import Download
from passmint.kit.refs import PassLocator, Ref
from passmint.kit.time import modified_since
from passmint.models import Account, Pass, Template
from passmint.passes import repository
from passmint.passes import service as pass_service
from passmint.passes.errors import PassNotFound
from passmint.templates import service as template_service
from passmint.wallets import PassRecord, format_of
from passmint.wallets.apple import PKPASS as PKPASS  # the media type the download routes document


async def pkpass(
    session: AsyncSession, account: Account, locator: PassLocator, settings: Settings
) -> Download:
    """The pass's current .pkpass."""
    pass_ = await pass_service.get(session, account, locator)
    return await _download(session, account, pass_, settings)


@dataclass(frozen=True)
class Unchanged:
    """The device's copy is current (HTTP 304); the pass last changed at ``changed_at``."""

    changed_at: datetime


async def for_device(
    session: AsyncSession, pass_: Pass, settings: Settings, *, since: datetime | None = None
) -> Download | Unchanged:
    """The pass's current .pkpass for a device that authenticated with its token, unless the pass has
    not changed since ``since`` (the device's If-Modified-Since)."""
    changed = await changed_at(session, pass_)
    if since is not None and not modified_since(changed, since):
        return Unchanged(changed)
    account = await session.get(Account, pass_.account_id)
    assert account is not None  # the foreign key guarantees it
    return await _download(session, account, pass_, settings)


async def public_pkpass(session: AsyncSession, token: str, settings: Settings) -> Download:
    """The .pkpass behind a public install URL (no credentials: the token is the secret)."""
    pass_ = await repository.by_public_token(session, token)
    if pass_ is None:
        raise PassNotFound("No pass at this link")
    account = await session.get(Account, pass_.account_id)
    assert account is not None
    return await _download(session, account, pass_, settings)


async def bundle(
    session: AsyncSession,
    account: Account,
    template_ref: Ref,
    external_ids: Sequence[str],
    settings: Settings,
) -> Download:
    """Passes of one template by external id: one .pkpass, or several as one .pkpasses file."""
    template = await template_service.get(session, account, template_ref)
    passes = await repository.in_template_by_external_ids(session, template.id, external_ids)
    missing = sorted(set(external_ids) - {str(found.external_id) for found in passes})
    if missing:
        raise PassNotFound(f"Template {template_ref} has no passes with external ids {', '.join(missing)}")
    return await _bundle(session, account, passes, settings, f"template-{template.id}.pkpasses")


async def bundle_by_ids(
    session: AsyncSession, account: Account, pass_ids: Sequence[int], settings: Settings
) -> Download:
    """Passes by id: one .pkpass, or several as one .pkpasses file."""
    passes = [await pass_service.get(session, account, PassLocator(pass_id=pass_id)) for pass_id in pass_ids]
    return await _bundle(session, account, passes, settings, "passes.pkpasses")


async def _bundle(
    session: AsyncSession, account: Account, passes: Sequence[Pass], settings: Settings, filename: str
) -> Download:
    """Several passes as one file of their format (Apple's .pkpasses); one pass alone as its own file."""
    records = [await _record(session, account, found) for found in passes]
    files = [await format_of(record.template.vendor).deliver(session, record, settings) for record in records]
    if len(files) == 1:
        return files[0]
    return await format_of(records[0].template.vendor).bundle(files, filename)


async def pass_json(
    session: AsyncSession, account: Account, locator: PassLocator, settings: Settings
) -> dict[str, Any]:
    """The pass.json Apple Wallet gets for this pass (unsigned)."""
    pass_ = await pass_service.get(session, account, locator)
    record = await _record(session, account, pass_)
    return await format_of(record.template.vendor).render(session, record, settings)


async def _download(session: AsyncSession, account: Account, pass_: Pass, settings: Settings) -> Download:
    record = await _record(session, account, pass_)
    return await format_of(record.template.vendor).deliver(session, record, settings)


async def _record(session: AsyncSession, account: Account, pass_: Pass) -> PassRecord:
    template, project = await pass_service.project_of(session, pass_)
    locations = [place.data for place in await repository.places(session, pass_)]
    changed = max(pass_.updated_at, template.updated_at)
    journey = await repository.journey_of(session, pass_.id)
    return PassRecord(account, pass_, template, project, locations, changed, journey)


async def changed_at(session: AsyncSession, pass_: Pass) -> datetime:
    """When what the pass shows last changed: its own change, or its template's if later (a template
    change does not write each of its passes)."""
    template = await session.get(Template, pass_.template_id)
    assert template is not None  # the foreign key guarantees it
    return max(pass_.updated_at, template.updated_at)
