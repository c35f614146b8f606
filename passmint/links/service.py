"""Adaptive links through the API: create (from templates or pass links), read, update, delete, list,
and the passes each link made."""

from __future__ import annotations

import secrets
import string
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.designs import Vendor
from passmint.images.sources import ImageSource
from passmint.kit.pagination import PageRequest
from passmint.kit.refs import PassLocator, Ref
from passmint.kit.time import utcnow
from passmint.links import repository
from passmint.links.errors import LinkExternalIdAmbiguous, LinkExternalIdTaken, LinkInvalid, LinkNotFound
from passmint.links.schemas import DEFAULT_TTL_DAYS, MAX_EXPIRY_DAYS, MAX_PASSES, LinkBody, LinkPayload
from passmint.models import Account, AdaptiveLink, Pass, Project, Template, Ticket
from passmint.passes import service as pass_service
from passmint.passes.schemas import InstallStatus, PassBody, PassUpdate
from passmint.projects import service as project_service
from passmint.templates import service as template_service

ALPHABET = string.ascii_letters + string.digits
PUBLIC_ID_LENGTH = 11
"""An ``adaptiveLinkId``: 11 base62 characters (65 bits), as the reference's ids look."""
PLATFORMS = {"ios": Vendor.APPLE, "android": Vendor.GOOGLE}
SETTINGS = (
    "is_personalized", "landing_page_url", "expiration_date", "ttl_in_days", "parameter_encoding",
    "location_radius", "max_result_locations", "install_limit", "install_limit_per_pass_external_id",
)  # fmt: skip


@dataclass(frozen=True)
class LinkView:
    """A link with what printing it needs: its project and its templates' external ids."""

    link: AdaptiveLink
    project: Project
    template_external_ids: dict[int, str | None]


@dataclass(frozen=True)
class LinkPage:
    views: list[LinkView]
    next_token: str | None


@dataclass(frozen=True)
class Half:
    """One platform's side of a link as a body names it: a template, and maybe a pass link's draft."""

    template: Template
    pass_link_id: uuid.UUID
    draft: dict[str, Any] | None


def link_url(base_url: str, public_id: str) -> str:
    """The link's public address."""
    return f"{base_url}/v1/pass/adaptive/{public_id}"


def new_public_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


def is_expired(link: AdaptiveLink, today: date | None = None) -> bool:
    return expiry(link) < (today or utcnow().date())


def expiry(link: AdaptiveLink) -> date:
    """The day after which the link hands out no pass: its expiration date, or ``ttlInDays`` after it
    was last used or changed, whichever comes first."""
    idle = link.active_at.date() + timedelta(days=link.ttl_in_days)
    return idle if link.expiration_date is None else min(idle, link.expiration_date)


async def create(
    session: AsyncSession,
    account: Account,
    body: LinkBody,
    images: ImageSource,
    *,
    project_ref: Ref | None = None,
    external_id: str | None = None,
) -> LinkView:
    """A new link; a path's project (and external id) place it, else its templates' project does."""
    project = None if project_ref is None else await project_service.get(session, account, project_ref)
    halves = {p: await _half(session, account, body, p, project) for p in PLATFORMS}
    found = {p: half for p, half in halves.items() if half is not None}
    if not found:
        raise _invalid("iosTemplateId", "name a template (or a pass link) for iOS, Android or both")
    projects = {half.template.project_id for half in found.values()}
    if len(projects) > 1 or (project is not None and projects != {project.id}):
        raise _invalid("androidTemplateId", "the link's templates must be of one project (the path's)")
    if body.payload is None and any(half.draft is None for half in found.values()):
        raise _invalid("payload", "is required (it may be {}) when the link names templates")
    link = AdaptiveLink(
        public_id=new_public_id(), account_id=account.id, project_id=projects.pop(), external_id=external_id,
        available_passes=MAX_PASSES if body.available_passes is None else body.available_passes,
        ttl_in_days=body.ttl_in_days or DEFAULT_TTL_DAYS, payload=_payload(body.payload),
        locations=_locations(body), is_personalized=bool(body.is_personalized), deliveries=0,
    )  # fmt: skip
    _settings(link, body)
    for platform, half in found.items():
        await _set_half(session, account, link, platform, half, body.payload, images)
    stored = await repository.add_unless_taken(session, link)
    if stored is None:
        raise LinkExternalIdTaken(f"Project {link.project_id} already has an adaptive link '{external_id}'")
    return await view(session, stored)


async def update(
    session: AsyncSession, account: Account, link_ref: str, body: LinkBody, images: ImageSource,
    *, project_ref: Ref | None = None,
) -> LinkView:  # fmt: skip
    """Change what the body names; everything else stays. A new payload applies to passes made from now on."""
    link = await get(session, account, link_ref, project_ref=project_ref)
    sent = body.model_fields_set
    project = await project_service.get(session, account, Ref(id=link.project_id))
    for platform in PLATFORMS:
        named = sent & {
            f"{platform}_template_id",
            f"{platform}_template_external_id",
            f"{platform}_pass_link_id",
        }
        half = await _half(session, account, body, platform, project) if named else None
        if half is None and "payload" in sent and getattr(link, f"{platform}_template_id") is not None:
            template = await template_service.get(
                session, account, Ref(id=getattr(link, f"{platform}_template_id"))
            )
            half = Half(template, getattr(link, f"{platform}_pass_link_id") or uuid.uuid4(), None)
        if half is not None:
            payload = body.payload if body.payload is not None else LinkPayload.model_validate(link.payload)
            await _set_half(session, account, link, platform, half, payload, images)
    if "payload" in sent and body.payload is not None:
        link.payload = _payload(body.payload)
    if "locations" in sent:
        link.locations = _locations(body)
    if body.available_passes is not None:
        link.available_passes = body.available_passes
    if body.ttl_in_days is not None:
        link.ttl_in_days = body.ttl_in_days
    _settings(link, body)
    link.active_at = link.updated_at = utcnow()
    await session.flush()
    return await view(session, link)


async def get(
    session: AsyncSession, account: Account, link_ref: str, *, project_ref: Ref | None = None
) -> AdaptiveLink:
    """The account's link named by its ``adaptiveLinkId``, or by its external id (within the path's
    project when one is named; across the account's projects when that names one link)."""
    if project_ref is not None:
        project = await project_service.get(session, account, project_ref)
        found = await repository.by_external_id(session, account.id, link_ref, project.id)
        if not found:
            raise LinkNotFound(f"Project {project_ref} has no adaptive link '{link_ref}'")
        return found[0]
    link = await repository.of_account(session, account.id, link_ref)
    if link is not None:
        return link
    matches = await repository.by_external_id(session, account.id, link_ref)
    if len(matches) > 1:
        raise LinkExternalIdAmbiguous(
            f"Adaptive links of several projects have external id '{link_ref}': name the project "
            "(/links/adaptive/project/{projectId}/id/{adaptiveLinkExternalId})"
        )
    if not matches:
        raise LinkNotFound(f"Could not find an entry with specified adaptiveLinkId '{link_ref}'")
    return matches[0]


async def view(session: AsyncSession, link: AdaptiveLink) -> LinkView:
    project, names = await repository.names(session, link)
    return LinkView(link, project, names)


async def delete(session: AsyncSession, account: Account, link_ref: str) -> None:
    """Remove the link; the passes it made stay (they are on phones)."""
    await repository.remove(session, await get(session, account, link_ref))


async def list_all(session: AsyncSession, account: Account) -> list[LinkView]:
    """Every link of the account, oldest first."""
    links = await repository.page(session, repository.in_account(account.id), 100_000, None)
    return [await view(session, link) for link in links]


async def list_in_project(
    session: AsyncSession, account: Account, project_ref: Ref, size: int, token: str | None,
    *, template_ref: Ref | None = None,
) -> LinkPage:  # fmt: skip
    """One page of a project's links (using one template, if named); ``token`` continues a listing."""
    project = await project_service.get(session, account, project_ref)
    template_id = None
    if template_ref is not None:
        template = await template_service.get(session, account, template_ref)
        if template.project_id != project.id:
            raise LinkNotFound(f"Project {project_ref} has no template {template_ref}")
        template_id = template.id
    after = None if token is None else await _after(session, account, token)
    condition = repository.in_project(account.id, project.id, template_id)
    links = await repository.page(session, condition, size, after)
    more = len(links) > size
    views = [await view(session, link) for link in links[:size]]
    return LinkPage(views, views[-1].link.public_id if more else None)


async def passes(
    session: AsyncSession, account: Account, link_ref: str, page: PageRequest,
    status: InstallStatus | None, *, project_ref: Ref | None = None,
) -> pass_service.PassPage:  # fmt: skip
    """One page of the passes the link made."""
    link = await get(session, account, link_ref, project_ref=project_ref)
    where = repository.made_by(link.id)
    return await pass_service.list_passes(session, account, page, status=status, where=where)


async def passes_by_external_id(
    session: AsyncSession,
    account: Account,
    link_ref: str,
    external_id: str,
    *,
    project_ref: Ref | None = None,
) -> Sequence[Pass]:
    """The passes (one per template) the link made with this external id."""
    link = await get(session, account, link_ref, project_ref=project_ref)
    found = await repository.passes_by_external_id(session, link.id, external_id)
    if not found:
        raise LinkNotFound(f"Adaptive link '{link_ref}' made no pass with external id '{external_id}'")
    return found


async def update_passes(
    session: AsyncSession, account: Account, link_ref: str, external_id: str, body: PassUpdate,
    images: ImageSource, *, project_ref: Ref | None = None,
) -> list[Ticket]:  # fmt: skip
    """Update the link's passes with this external id: a ticket per template (both platforms' passes)."""
    found = await passes_by_external_id(session, account, link_ref, external_id, project_ref=project_ref)
    tickets = []
    for pass_ in found:
        locator = PassLocator(template=Ref(id=pass_.template_id), external_id=external_id)
        tickets.append(await pass_service.update(session, account, locator, body, images))
    return tickets


async def _after(session: AsyncSession, account: Account, token: str) -> int:
    link = await repository.of_account(session, account.id, token)
    if link is None:
        raise LinkInvalid(
            "nextPageToken: is not a token a listing gave",
            details=[
                {"field": "nextPageToken", "location": "query", "message": "is not a token a listing gave"}
            ],
        )
    return link.id


async def _half(
    session: AsyncSession, account: Account, body: LinkBody, platform: str, project: Project | None
) -> Half | None:
    """The template (and pass link) the body names for ``platform``, checked to be of its wallet."""
    template_id = getattr(body, f"{platform}_template_id")
    template_external_id = getattr(body, f"{platform}_template_external_id")
    pass_link_id: uuid.UUID | None = getattr(body, f"{platform}_pass_link_id")
    draft = None
    if pass_link_id is not None:
        template_id, draft = await _pass_link(session, account, pass_link_id, platform, template_id)
    if template_id is None and template_external_id is None:
        return None
    if template_id is not None:
        ref = Ref(id=template_id)
        template = await template_service.get(session, account, ref)
    else:
        ref = Ref(external_id=template_external_id)
        template = await template_service.get(session, account, ref)
    if template.vendor != PLATFORMS[platform]:
        raise _invalid(f"{platform}TemplateId", f"template {ref} is not a {PLATFORMS[platform]} template")
    if project is not None and template.project_id != project.id:
        raise _invalid(f"{platform}TemplateId", f"template {ref} is not of project {project.id}")
    return Half(template, pass_link_id or uuid.uuid4(), draft)


async def _pass_link(
    session: AsyncSession, account: Account, pass_link_id: uuid.UUID, platform: str, template_id: int | None
) -> tuple[int, dict[str, Any]]:
    """The template and checked pass of a pass link: a dynamic link's, or another adaptive link's half."""
    dynamic = await repository.dynamic_link(session, account.id, pass_link_id)
    if dynamic is not None:
        found = (dynamic.template_id, dynamic.draft)
    else:
        other = await repository.with_pass_link(session, account.id, pass_link_id)
        side = None
        if other is not None:
            side = "ios" if other.ios_pass_link_id == pass_link_id else "android"
        if other is None or side is None or getattr(other, f"{side}_template_id") is None:
            raise LinkNotFound(f"Could not find the pass link {pass_link_id} ({platform}PassLinkId)")
        found = (getattr(other, f"{side}_template_id"), getattr(other, f"{side}_draft"))
    if template_id is not None and template_id != found[0]:
        raise _invalid(f"{platform}PassLinkId", f"is a pass link of template {found[0]}, not {template_id}")
    return found


async def _set_half(
    session: AsyncSession, account: Account, link: AdaptiveLink, platform: str, half: Half,
    payload: LinkPayload | None, images: ImageSource,
) -> None:  # fmt: skip
    """Give the link this half: its template, pass link id and the checked pass it makes."""
    draft = half.draft
    if draft is None:
        body = pass_body(payload or LinkPayload(), platform)
        _, prepared = await pass_service.prepare(session, account, Ref(id=half.template.id), body, images)
        draft = prepared.stored()
    if getattr(link, f"{platform}_template_id") != half.template.id:
        setattr(link, f"{platform}_pass_id", None)  # another template: its passes are another pass
    setattr(link, f"{platform}_template_id", half.template.id)
    setattr(link, f"{platform}_pass_link_id", half.pass_link_id)
    setattr(link, f"{platform}_draft", draft)


def pass_body(payload: LinkPayload, platform: str) -> PassBody:
    """The pass body of one platform's passes: ``sharingStatus`` is a header of Apple passes only."""
    data = payload.model_dump(by_alias=True, exclude_unset=True, exclude={"sharing_status"})
    if payload.sharing_status is not None and platform == "ios":
        sharing = payload.sharing_status.model_dump(by_alias=True, exclude_unset=True)
        data["headers"] = {**data.get("headers", {}), "sharingStatus": sharing}
    return PassBody.model_validate(data)


def _payload(payload: LinkPayload | None) -> dict[str, Any]:
    return {} if payload is None else payload.model_dump(by_alias=True, exclude_unset=True)


def _locations(body: LinkBody) -> list[Any]:
    return [place.model_dump(by_alias=True, exclude_none=True) for place in body.locations or []]


def _settings(link: AdaptiveLink, body: LinkBody) -> None:
    """The link's plain settings the body sends (null clears the optional ones)."""
    for name in SETTINGS:
        if name in body.model_fields_set and not (
            name in ("is_personalized", "ttl_in_days") and getattr(body, name) is None
        ):
            setattr(link, name, getattr(body, name))
    latest = utcnow().date() + timedelta(days=MAX_EXPIRY_DAYS)
    if "expiration_date" in body.model_fields_set and link.expiration_date and link.expiration_date > latest:
        raise _invalid("expirationDate", f"may be at most {MAX_EXPIRY_DAYS} days away")


def _invalid(field: str, message: str) -> LinkInvalid:
    return LinkInvalid(
        f"{field}: {message}", details=[{"field": field, "location": "body", "message": message}]
    )
