"""Passes: issue from a template, read, list, update, delete, and their locations and beacons."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from passmint import changes
from passmint.counters import repository as counters
from passmint.images.sources import Fetched, ImageSource
from passmint.kit.pagination import PageRequest
from passmint.kit.refs import PassLocator, Ref
from passmint.kit.security import new_token
from passmint.kit.time import utcnow
from passmint.models import Account, Location, Pass, Project, Template, Ticket
from passmint.passes import nfc, repository, values
from passmint.passes.errors import (
    PassExternalIdAmbiguous,
    PassExternalIdTaken,
    PassInvalid,
    PassLocationNotFound,
    PassNotFound,
    TemplateClosed,
)
from passmint.passes.schemas import DynamicPassBody, InstallStatus, PassBody, PassUpdate, PassValue
from passmint.templates import service as template_service
from passmint.templates.schemas import Beacon, LocationIn
from passmint.tickets import service as ticket_service
from passmint.wallets import format_of


@dataclass(frozen=True)
class PassView:
    """A pass with what printing it needs."""

    pass_: Pass
    template: Template
    tags: list[str]
    locations: Sequence[Location]
    installs: int = 0


@dataclass(frozen=True)
class PassPage:
    """One page of passes, how many there are in all, and each template's vendor."""

    rows: Sequence[Pass]
    count: int
    vendors: dict[int, str]


async def get(session: AsyncSession, account: Account, locator: PassLocator) -> Pass:
    """The account's pass at ``locator``."""
    if locator.pass_id is not None:
        found = await repository.get(session, account.id, locator.pass_id)
    elif locator.template is not None:
        template = await template_service.get(session, account, locator.template)
        found = await repository.in_template(session, template.id, str(locator.external_id))
    else:
        matches = await repository.by_external_id(session, account.id, str(locator.external_id))
        if len(matches) > 1:
            raise PassExternalIdAmbiguous(
                f"Passes of {len(matches)} templates have external id '{locator.external_id}'; "
                "name the template: /pass/template/{templateId}/id/{externalId}"
            )
        found = matches[0] if matches else None
    if found is None:
        raise PassNotFound(f"Pass {locator} was not found")
    return found


async def view(session: AsyncSession, account: Account, locator: PassLocator) -> PassView:
    if locator.pass_id is None:
        return await view_of(session, await get(session, account, locator))
    found = await repository.viewed(session, account.id, locator.pass_id)
    if found is None:
        raise PassNotFound(f"Pass {locator} was not found")
    tags = await repository.tag_names(session, found.pass_.id) if found.has_tags else []
    locations = await repository.locations(session, found.pass_.id) if found.has_locations else []
    return PassView(found.pass_, found.template, tags, locations, found.installs)


async def view_of(session: AsyncSession, pass_: Pass) -> PassView:
    template = await repository.template_of(session, pass_)
    tags = await repository.tag_names(session, pass_.id)
    locations = await repository.locations(session, pass_.id)
    return PassView(pass_, template, tags, locations, await repository.installs(session, pass_.id))


async def list_passes(
    session: AsyncSession,
    account: Account,
    page: PageRequest,
    *,
    template: Ref | None = None,
    status: InstallStatus | None = None,
    where: ColumnElement[bool] | None = None,
) -> PassPage:
    """One page of the account's passes, of one template or all (or those ``where`` selects), filtered
    by install status."""
    template_id = None if template is None else (await template_service.get(session, account, template)).id
    rows, count, vendors = await repository.page(
        session, account.id, page, template_id=template_id, status=status, where=where
    )
    return PassPage(rows, count, vendors)


@dataclass(frozen=True)
class Draft:
    """A pass checked against its template, its images stored, not made yet (a dynamic link keeps one)."""

    external_id: str | None
    values: dict[str, Any]
    image_digests: dict[str, str]
    locations: list[dict[str, object]] | None = None
    tags: list[str] | None = None

    def stored(self) -> dict[str, Any]:
        return asdict(self)


async def create(
    session: AsyncSession,
    account: Account,
    template_ref: Ref,
    body: PassBody,
    images: ImageSource,
    *,
    external_id: str | None = None,
) -> PassView:
    """A new pass from the template: serial number, authentication token and public install token."""
    template, draft = await prepare(session, account, template_ref, body, images, external_id=external_id)
    return await issue(session, account, template, draft)


async def prepare(
    session: AsyncSession,
    account: Account,
    template_ref: Ref,
    body: PassBody,
    images: ImageSource,
    *,
    external_id: str | None = None,
) -> tuple[Template, Draft]:
    """Check a new pass against its template and store its images; nothing is made yet."""
    template, project = await template_service.with_project(session, account, template_ref)
    await check_issuable(session, template, external_id)
    stored = values.check(
        template, project, await nfc.with_key(session, template, project, values.from_body(body)), body
    )
    digests = await (await _fetch_images(stored, images, previous=None)).store(session)
    locations = None if body.locations is None else [_location(location) for location in body.locations]
    return template, Draft(external_id, stored, digests, locations, body.tags)


async def check_issuable(session: AsyncSession, template: Template, external_id: str | None) -> None:
    """The template may make a pass with this external id: it is enabled and the id is free."""
    if template.is_disabled:
        raise TemplateClosed(f"Template {template.id} is disabled: no new passes until it is enabled")
    if (
        external_id is not None
        and await repository.in_template(session, template.id, external_id) is not None
    ):
        raise PassExternalIdTaken(
            f"Template {template.id} already has a pass with external id '{external_id}'"
        )


async def issue(session: AsyncSession, account: Account, template: Template, draft: Draft) -> PassView:
    """Make the pass a draft describes."""
    pass_ = Pass(
        account_id=account.id,
        template_id=template.id,
        external_id=draft.external_id,
        serial_number=str(uuid.uuid4()),
        authentication_token=new_token(24),
        public_token=new_token(24),
        values=draft.values,
        image_digests=draft.image_digests,
    )
    created = await repository.add_unless_taken(session, pass_)
    if created is None:  # another request took the external id since the check above
        raise PassExternalIdTaken(
            f"Template {template.id} already has a pass with external id '{draft.external_id}'"
        )
    pass_ = created
    changes.mark_created(session, pass_.id)
    await counters.add_created(session, template.id, pass_.created_at, platform_of(template.vendor))
    if draft.locations is not None:
        await repository.replace_locations(session, pass_.id, draft.locations)
    if draft.tags is not None:
        await repository.set_tags(session, account.id, pass_.id, draft.tags)
    locations = await repository.locations(session, pass_.id) if draft.locations else []
    return PassView(pass_, template, sorted(set(draft.tags or [])), locations)


def with_expiry(body: DynamicPassBody, expiry: str | None) -> DynamicPassBody:
    """The body with ``expiry`` (YYYY-MM-DD, the query of a dynamic pass) as its expiration date."""
    if expiry is None:
        return body
    try:
        day = date.fromisoformat(expiry)
    except ValueError:
        message = "must be a date written YYYY-MM-DD"
        raise PassInvalid(
            f"expiry: {message}", details=[{"field": "expiry", "location": "query", "message": message}]
        ) from None
    expires = PassValue(value=f"{day.isoformat()}T00:00:00Z")
    return body.model_copy(update={"headers": {**body.headers, "expirationDate": expires}})


async def update(
    session: AsyncSession, account: Account, locator: PassLocator, body: PassUpdate, images: ImageSource
) -> Ticket:
    """Apply an update to the pass (to every pass with the external id, when named only by it).

    The change is made before the answer; the ticket counts each pass done once the phones holding it
    have been pushed (at once when none does).
    """
    checked: list[tuple[Pass, Template, dict[str, Any], Fetched]] = []
    for pass_, template, project in await _targets(session, account, locator, body):
        merged = await nfc.with_key(session, template, project, values.merged(pass_.values, body))
        stored = values.check(template, project, merged, body)
        checked.append((pass_, template, stored, await _fetch_images(stored, images, previous=pass_)))
    # every image is fetched before the first write (see images/sources.py)
    ticket = await ticket_service.open_ticket(session, account, "pass.update", total=len(checked))
    for pass_, template, stored, fetched in checked:
        await repository.rewrite(session, pass_, stored, await fetched.store(session), utcnow())
        changes.mark_passes(session, [pass_.id], ticket_id=ticket.id, vendor=template.vendor)
        await _lists_and_tags(session, account, pass_, body)
    return ticket


async def delete(session: AsyncSession, account: Account, locator: PassLocator) -> int:
    """Remove the pass from passmint (not from phones that hold it: void or expire it for that)."""
    pass_ = await get(session, account, locator)
    await counters.subtract(session, await counters.recount(session, platform_of, [pass_.id]), utcnow())
    await repository.remove(session, pass_)
    return pass_.id


async def add_locations(
    session: AsyncSession, account: Account, locator: PassLocator, locations: list[LocationIn]
) -> Sequence[Location]:
    """Add locations to the pass; answers all of them."""
    pass_ = await get(session, account, locator)
    await repository.add_locations(session, pass_.id, [_location(location) for location in locations])
    _changed(session, pass_)
    return await repository.locations(session, pass_.id)


async def delete_location(
    session: AsyncSession, account: Account, locator: PassLocator, location_id: int
) -> Sequence[Location]:
    """Remove one location; answers the pass's remaining locations."""
    pass_ = await get(session, account, locator)
    location = await repository.get_location(session, pass_.id, location_id)
    if location is None:
        raise PassLocationNotFound(f"Pass {locator} has no location {location_id}")
    await repository.remove(session, location)
    _changed(session, pass_)
    return await repository.locations(session, pass_.id)


async def beacons(session: AsyncSession, account: Account, locator: PassLocator) -> list[dict[str, object]]:
    """The pass's beacons, else its template's."""
    view_ = await view(session, account, locator)
    found: list[dict[str, object]] = view_.pass_.values.get(
        "beacons", view_.template.design.get("beacons", [])
    )
    return found


async def set_beacons(
    session: AsyncSession, account: Account, locator: PassLocator, new: list[Beacon]
) -> Ticket:
    """Replace the pass's beacons."""
    pass_ = await get(session, account, locator)
    pass_.values = {
        **pass_.values,
        "beacons": [beacon.model_dump(by_alias=True, exclude_none=True) for beacon in new],
    }
    ticket = await ticket_service.open_ticket(session, account, "pass.beacons", total=1)
    _changed(session, pass_, ticket)
    return ticket


async def project_of(session: AsyncSession, pass_: Pass) -> tuple[Template, Project]:
    return await repository.template_and_project(session, pass_)


async def _targets(
    session: AsyncSession, account: Account, locator: PassLocator, body: PassUpdate
) -> list[tuple[Pass, Template, Project]]:
    """The pass named, or every pass with the external id (of the ``templates`` listed, if any), each
    with its template and project (the pass named by id in one query)."""
    if locator.pass_id is not None:
        found = await repository.with_template(session, account.id, locator.pass_id)
        if found is None:
            raise PassNotFound(f"Pass {locator} was not found")
        return [found]
    named = await _passes_named(session, account, locator, body)
    return [(pass_, *await repository.template_and_project(session, pass_)) for pass_ in named]


async def _passes_named(
    session: AsyncSession, account: Account, locator: PassLocator, body: PassUpdate
) -> list[Pass]:
    if locator.template is not None:
        return [await get(session, account, locator)]
    template_ids = (
        None
        if body.templates is None
        else [(await template_service.get(session, account, Ref.parse(str(t)))).id for t in body.templates]
    )
    found = await repository.by_external_id(
        session, account.id, str(locator.external_id), template_ids=template_ids
    )
    if not found:
        where = "" if body.templates is None else f" in templates {body.templates}"
        raise PassNotFound(f"Pass {locator} was not found{where}")
    return list(found)


async def _lists_and_tags(session: AsyncSession, account: Account, pass_: Pass, body: PassBody) -> None:
    if body.locations is not None:
        await repository.replace_locations(
            session, pass_.id, [_location(location) for location in body.locations]
        )
    if body.tags is not None:
        await repository.set_tags(session, account.id, pass_.id, body.tags)


async def _fetch_images(stored: dict[str, Any], images: ImageSource, *, previous: Pass | None) -> Fetched:
    """The pass's images, fetched and not stored yet; a URL the pass already had is not fetched again."""
    known_urls = values.image_urls(previous.values) if previous is not None else {}
    kept: dict[str, str] = {}
    urls: dict[str, tuple[str, str]] = {}
    for name, url in values.image_urls(stored).items():
        if previous is not None and known_urls.get(name) == url and name in previous.image_digests:
            kept[name] = previous.image_digests[name]
        else:
            urls[name] = (url, f"headers.{name}.value")
    return await images.fetch(urls, kept=kept)


def _changed(session: AsyncSession, pass_: Pass, ticket: Ticket | None = None) -> None:
    """What the pass shows changed: a new Last-Modified, a new tick of the change clock and pushes to
    the phones holding it (``ticket`` completes once they are pushed)."""
    pass_.updated_at = utcnow()
    changes.mark_passes(session, [pass_.id], ticket_id=ticket.id if ticket else None)


def platform_of(vendor: str) -> str:
    """The platform a template's passes are counted under when they are made."""
    return format_of(vendor).platform


def _location(location: LocationIn) -> dict[str, object]:
    return location.model_dump(by_alias=True, exclude_none=True)
