"""A pass as its wallet takes it: found, then delivered by its template's wallet format (``wallets``).

The routes that answer a pass file (by id, by external id, behind a public link, to a device) and the
bundles of several passes come here; what the file holds is the format's business."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings
from passmint.designs import Vendor
from passmint.images.sources import ImageSource
from passmint.kit.files import Download
from passmint.kit.refs import PassLocator, Ref
from passmint.kit.time import modified_since
from passmint.kit.useragents import is_desktop_browser
from passmint.models import Account, Pass
from passmint.pages import render_landing
from passmint.passes import repository, signed
from passmint.passes import service as pass_service
from passmint.passes.errors import NotAGoogleTemplate, PassNotFound
from passmint.passes.schemas import SaveToWalletBody
from passmint.templates import service as template_service
from passmint.wallets import PassRecord, format_of
from passmint.wallets.apple import PKPASS as PKPASS  # the media type the download routes document
from passmint.wallets.google import SaveLink, save_link
from passmint.wallets.repository import Signed


async def pkpass(
    session: AsyncSession,
    account: Account,
    locator: PassLocator,
    settings: Settings,
    *,
    since: datetime | None = None,
) -> Download | Unchanged:
    """The pass's current .pkpass, unless it has not changed since ``since`` (If-Modified-Since). A pass
    unchanged since it was last signed costs one indexed lookup (``signed.at``): its stamp
    names the signed file its format kept (``kept``), and a 304 needs nothing more."""
    found = await signed_file_at(session, account.id, locator)
    if found is not None:
        return answered(found, settings, since) or await signed_file(session, found, settings)
    pass_ = await pass_service.get(session, account, locator)  # none, several, or a link to save it
    return await _download(session, account, pass_, settings)


async def signed_file_at(session: AsyncSession, account_id: int, locator: PassLocator) -> Signed | None:
    """The lookup of ``pkpass``: the pass at ``locator``, if its format delivers a signed file (``answered``
    says what it answers alone)."""
    found = await signed.at(session, account_id, locator)
    return found if found is not None and format_of(found.vendor).delivers_file else None


def answered(found: Signed, settings: Settings, since: datetime | None) -> Download | Unchanged | None:
    """What a lookup of a pass's signed file answers alone: a 304 when the pass has not changed since
    ``since``, else the file kept for the pass as it is (``kept``); None when it must be signed."""
    if since is not None and not modified_since(found.changed_at, since):
        return Unchanged(found.changed_at)
    return kept(found, settings)


@dataclass(frozen=True)
class Unchanged:
    """The device's copy is current (HTTP 304); the pass last changed at ``changed_at``."""

    changed_at: datetime


def kept(found: Signed, settings: Settings) -> Download | None:
    """The signed file kept for the pass as it is (by ``signed_stamp``), if its format delivers one."""
    wallet = format_of(found.vendor)
    return wallet.kept(signed_stamp(found, settings), settings) if wallet.delivers_file else None


async def signed_file(session: AsyncSession, found: Signed, settings: Settings) -> Download:
    """The pass's signed file made (or found by what it is made from), then kept under its stamp."""
    pass_ = await session.get(Pass, found.pass_id)
    assert pass_ is not None  # just read
    record = await record_of(session, pass_)
    filename = f"pass-{pass_.id}.pkpass"
    stamp = signed_stamp(found, settings)
    return await format_of(found.vendor).deliver_many(session, [record], settings, filename, stamp=stamp)


def signed_stamp(found: Signed, settings: Settings) -> Hashable:
    """The key of a pass's signed file in its format's ``kept``: the versions of all it is made from (the
    lookup's, and the settings it reads), so every path serving the file (a download by id or public
    link, Apple's web service) shares it."""
    return ("signed-pass", settings.database, settings.data_dir, settings.base_url, *found.versions)


async def for_device(
    session: AsyncSession, pass_: Pass, settings: Settings, *, since: datetime | None = None
) -> Download | Unchanged:
    """The pass's current .pkpass for a device that authenticated with its token, unless the pass has
    not changed since ``since`` (the device's If-Modified-Since)."""
    template, _project = await pass_service.project_of(session, pass_)  # kept for the download
    changed = max(pass_.updated_at, template.updated_at)
    if since is not None and not modified_since(changed, since):
        return Unchanged(changed)
    account = await session.get(Account, pass_.account_id)
    assert account is not None  # the foreign key guarantees it
    return await _download(session, account, pass_, settings)


@dataclass(frozen=True)
class Page:
    """A page for a person (HTML), where a phone or an app would get the file."""

    html: str


async def public_pkpass(
    session: AsyncSession,
    token: str,
    settings: Settings,
    *,
    headers: Mapping[str, str] | None = None,
    form: str | None = None,
) -> Download | Page:
    """The .pkpass behind a public install URL (no credentials: the token is the secret); a desktop
    browser (see ``kit.useragents``), or ``form="page"``, gets the landing page instead, whose Apple
    button is this URL with ``form="pkpass"`` (always the file). ``headers`` by lower-case name."""
    headers = headers or {}
    if form == "pkpass" or (form is None and not is_desktop_browser(headers)):
        found = await signed.by_public_token(session, token)
        if found is not None and format_of(found.vendor).delivers_file:
            return kept(found, settings) or await signed_file(session, found, settings)
    pass_ = await repository.by_public_token(session, token)
    if pass_ is None:
        raise PassNotFound("No pass at this link")
    account = await session.get(Account, pass_.account_id)
    assert account is not None
    if form == "page" or (form is None and is_desktop_browser(headers)):
        record = await _record(session, account, pass_)
        page_url = f"{settings.base_url}/v1/download/pass/{token}"
        apple = record.template.vendor == Vendor.APPLE
        html = await render_landing(
            session,
            record,
            settings,
            page_url=page_url,
            apple_url=f"{page_url}?form=pkpass" if apple else None,
            google_url=None if apple else f"{page_url}?form=pkpass",  # the save link's redirect
            accept_language=headers.get("accept-language"),
        )
        return Page(html)
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
    return await format_of(records[0].template.vendor).deliver_many(session, records, settings, filename)


@dataclass(frozen=True)
class SaveButton:
    """A new Google pass, its save link, and the page's functions its button calls."""

    pass_: Pass
    link: SaveLink
    on_success: str | None
    on_fail: str | None


async def save_to_wallet(
    session: AsyncSession,
    account: Account,
    template_ref: Ref,
    body: SaveToWalletBody,
    images: ImageSource,
    settings: Settings,
) -> SaveButton:
    """A new pass of a Google template, with its save link (``POST /pass/{templateId}/saveToWallet``)."""
    template = await template_service.get(session, account, template_ref)
    if template.vendor != Vendor.GOOGLE:
        message = (
            f"Save to Google Wallet makes Google passes; template {template.id} is a {template.vendor} one"
        )
        raise NotAGoogleTemplate(
            message, details=[{"field": "templateId", "location": "path", "message": message}]
        )
    view = await pass_service.create(
        session, account, Ref(id=template.id), body.pass_body(), images, external_id=body.external_id
    )
    link = await save_link(session, [await _record(session, account, view.pass_)], settings)
    return SaveButton(view.pass_, link, body.on_success, body.on_fail)


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


async def record_of(session: AsyncSession, pass_: Pass) -> PassRecord:
    """Everything a wallet format (or the landing page) renders the pass from."""
    account = await session.get(Account, pass_.account_id)
    assert account is not None  # the foreign key guarantees it
    return await _record(session, account, pass_)


async def _record(session: AsyncSession, account: Account, pass_: Pass) -> PassRecord:
    template, project = await pass_service.project_of(session, pass_)
    locations = [place.data for place in await repository.places(session, pass_)]
    changed = max(pass_.updated_at, template.updated_at)
    journey = await repository.journey_of(session, pass_.id)
    return PassRecord(account, pass_, template, project, locations, changed, journey)
