"""A visit to an adaptive link (no credentials): the phone's pass, its wallet's redirect, or the landing.

One indexed lookup finds the links (by public id) with all a visit reads besides (``repository.Found``).
A non-personalised link hands every visitor the same pass per platform, made on the first visit; a
repeat visit of it is answered from what its wallet format (or the landing page) kept under the pass's
stamp (``kept``), with at most one conditional write (an install counted, the link marked active). A
personalised link, or a visit whose query sets values, makes a new pass: the link's one conditional
update (a pass taken from ``availablePasses``, an install counted), the pass and the row noting the
link made it, and the pass's counters (see docs/decisions.md, "Adaptive links", "Cost").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings
from passmint.journeys import service as journey_service
from passmint.kit.files import Download
from passmint.kit.time import utcnow
from passmint.links import kept, repository
from passmint.links.errors import InstallLimitReached, LinkExhausted, LinkExpired, LinkNotFound
from passmint.links.query import RESERVED, Overrides, invalid, nearest, overrides
from passmint.links.repository import Found
from passmint.links.schemas import Platform
from passmint.links.service import is_expired, link_url
from passmint.models import Account, AdaptiveLink, Journey, Pass, Project, Template
from passmint.pages import render_landing
from passmint.passes import downloads, values
from passmint.passes import repository as pass_repository
from passmint.passes import service as pass_service
from passmint.passes.service import Draft
from passmint.registrations.wallet_apps import recognize
from passmint.wallets import PassRecord, format_of

MAX_LINKS = 10
ACTIVE_EVERY = timedelta(days=1)
"""How often a visit marks its link active (``ttlInDays`` counts in days)."""


@dataclass(frozen=True)
class Redirect:
    url: str


@dataclass(frozen=True)
class Landing:
    """The landing page (HTML) for a browser or a device the links have no pass for."""

    html: str
    shared: bool
    """The same page for everyone who opens this address (a shared cache may keep it)."""


Outcome = Download | Redirect | Landing


def detect(headers: Mapping[str, str]) -> Platform:
    """The platform a browser runs on, from its User-Agent (and the Android wallet apps passmint knows)."""
    agent = headers.get("user-agent", "")
    lowered = agent.lower()
    if "android" in lowered or (recognize(headers).device_os == "android" and agent):
        return Platform.ANDROID
    if any(word in lowered for word in ("iphone", "ipad", "ipod", "passbook", "cfnetwork")):
        return Platform.IOS
    return Platform.WEB


async def visit(
    session: AsyncSession, public_ids: Sequence[str], platform: Platform | None,
    query: Mapping[str, str], headers: Mapping[str, str], settings: Settings,
) -> Outcome:  # fmt: skip
    """The answer to a visit of one link, or of several at once (one bundle or save link for them all)."""
    if not public_ids or len(public_ids) > MAX_LINKS:
        raise invalid("ids", f"name 1 to {MAX_LINKS} adaptive links")
    device = platform or detect(headers)
    found = await _links(session, public_ids, device)
    for one in found:
        if is_expired(one.link):
            raise LinkExpired(f"The adaptive link {one.link.public_id} has expired")
    with_half = [one for one in found if device is not Platform.WEB and one.template is not None]
    if not with_half:
        return await _landing(session, found, query, headers, settings)
    assert with_half[0].template is not None
    wallet = format_of(with_half[0].template.vendor)
    plain = not any(_sets_values(one, query) for one in with_half)
    stamp = kept.delivery_stamp(with_half, device, settings) if plain else None
    if stamp is not None and (delivery := wallet.kept(stamp, settings)) is not None:
        for one in with_half:
            await _use(session, one, making=False)
        return delivery
    handed = [await _hand_out(session, one, device, query) for one in with_half]
    records = [await _record(session, one, pass_) for one, pass_ in zip(with_half, handed, strict=True)]
    return await wallet.deliver_many(session, records, settings, "passes.pkpasses", stamp=stamp)


def _sets_values(found: Found, query: Mapping[str, str]) -> bool:
    """Whether the visit's query sets values on the link's pass (a campaign's ``utm_source`` does not)."""
    assert found.template is not None
    given = overrides(found.link, found.template.design if set(query) - RESERVED else {}, query)
    return given.personal or given.position is not None


async def _links(session: AsyncSession, public_ids: Sequence[str], device: Platform) -> list[Found]:
    """The links named, in order, each with what a visit from ``device`` reads: one indexed lookup."""
    found = await repository.by_public_ids(session, public_ids, device.value)
    for public_id in public_ids:
        if public_id not in found:
            raise LinkNotFound(f"There is no adaptive link '{public_id}'")
    return [found[public_id] for public_id in public_ids]


async def _record(session: AsyncSession, found: Found, pass_: Pass) -> PassRecord:
    """What the wallet format renders ``pass_`` from, as the lookup read it (places read only if any)."""
    template = found.template
    if template is None or pass_.template_id != template.id:  # the link's template was changed since
        return await downloads.record_of(session, pass_)
    places = await pass_repository.places(session, pass_) if found.places else []
    journey = found.journey if pass_ is found.shared else None
    if journey is None and found.link.journey_id is not None and pass_ is not found.shared:
        journey = await session.get(Journey, found.link.journey_id)
    changed = max(pass_.updated_at, template.updated_at)
    locations = [place.data for place in places]
    return PassRecord(
        found.account, pass_, template, found.project, locations, changed, journey, found.credentials
    )


async def _landing(
    session: AsyncSession,
    found: Sequence[Found],
    query: Mapping[str, str],
    headers: Mapping[str, str],
    settings: Settings,
) -> Outcome:
    """The first link's own landing page, else passmint's: it shows the pass a non-personalised visit
    gets (the link's shared pass, made as the first such visit makes it; never the visit's own values),
    with a button per platform. The QR code and buttons keep the visit's address and query, so the phone
    gets every link's pass with the visit's values; such a page, or a personalised link's, is the
    visitor's own (not kept by shared caches). A page that is the same for everyone is kept by its
    stamp: a repeat view is the lookup alone."""
    first, links = found[0], [one.link for one in found]
    link = first.link
    if link.landing_page_url:
        return Redirect(link.landing_page_url)
    offered = _offered(links)
    language = headers.get("accept-language")
    stamp = kept.page_stamp(first, query, offered, settings) if len(found) == 1 else None
    if stamp is not None and (html := kept.page(stamp, language)) is not None:
        return Landing(html, shared=not link.is_personalized)
    half = Platform.IOS if link.ios_template_id is not None else Platform.ANDROID
    template_id = _template_of(link, half)
    assert template_id is not None  # a link has at least one half (checked when it is made)
    shown = await _shared(session, link, template_id, half, overrides(link, {}, {}))
    given = {name: value for name, value in query.items() if name != "deviceType"}
    page_url, apple_url, google_url = _addresses(link, given, offered, settings)
    html = await render_landing(
        session,
        await _record(session, first, shown),
        settings,
        page_url=page_url,
        apple_url=apple_url,
        google_url=google_url,
        accept_language=language,
    )
    if stamp is not None:
        kept.keep_page(stamp, language, html)
    personal = any(each.is_personalized for each in links) or bool(set(given) - {"ids"})
    return Landing(html, shared=not personal)


def _offered(links: Sequence[AdaptiveLink]) -> frozenset[Platform]:
    """The platforms the page offers a button for: those any of the links has a template for."""
    phones = (Platform.IOS, Platform.ANDROID)
    return frozenset(device for device in phones if any(_template_of(each, device) for each in links))


def _addresses(
    link: AdaptiveLink, given: Mapping[str, str], offered: frozenset[Platform], settings: Settings
) -> tuple[str, str | None, str | None]:
    """The page's own address (its QR code) and each button's: the link's, or, when the visit named
    several links (``ids``), the address that installs them all; with the visit's query."""
    if "ids" in given:
        every = f"{settings.base_url}/v1/pass/adaptive?{urlencode(given)}"
        apple, google = f"{every}&deviceType=ios", f"{every}&deviceType=android"
        page = every
    else:
        url, suffix = link_url(settings.base_url, link.public_id), f"?{urlencode(given)}" if given else ""
        page, apple, google = url + suffix, f"{url}/ios{suffix}", f"{url}/android{suffix}"
    return (
        page,
        apple if Platform.IOS in offered else None,
        google if Platform.ANDROID in offered else None,
    )


def _template_of(link: AdaptiveLink, device: Platform) -> int | None:
    found: int | None = getattr(link, f"{device.value}_template_id")
    return found


async def _hand_out(session: AsyncSession, found: Found, device: Platform, query: Mapping[str, str]) -> Pass:
    """The pass this visit of the link gets for ``device``: the shared one, or one made for it."""
    link, template = found.link, found.template
    assert template is not None  # the caller checked
    given = overrides(link, template.design if set(query) - RESERVED else {}, query)
    own = link.is_personalized or given.personal or given.position is not None
    known = None if given.external_id is None else await _by_external_id(session, link, template.id, given)
    await _use(session, found, making=known is None and (own or found.shared is None))
    if known is not None:
        return known
    if own:
        return await _make(session, link, template.id, device, given, taken=True)
    return found.shared or await _shared(session, link, template.id, device, given, taken=True)


async def _use(session: AsyncSession, found: Found, *, making: bool) -> None:
    """The visit's one conditional write to its link, when it has one to make: one of its
    ``availablePasses`` taken (``making`` a pass), one install counted (an ``installLimit``), the link
    marked active (once a day: ``ttlInDays``). Refused, it writes nothing."""
    link, now = found.link, utcnow()
    counted, stale = link.install_limit is not None, now - link.active_at >= ACTIVE_EVERY
    if not (making or counted or stale):
        return
    if await repository.use(session, link.id, take_pass=making, count=counted, now=now, every=ACTIVE_EVERY):
        return
    if making and await repository.available(session, link.id) <= 0:
        raise LinkExhausted(f"The adaptive link {link.public_id} has no passes left")
    raise InstallLimitReached(f"The adaptive link {link.public_id} has reached its install limit")


async def _template(session: AsyncSession, template_id: int) -> Template:
    template = await session.get(Template, template_id)
    assert template is not None  # the link's foreign key guarantees it
    return template


async def _shared(
    session: AsyncSession, link: AdaptiveLink, template_id: int, device: Platform, given: Overrides,
    *, taken: bool = False,
) -> Pass:  # fmt: skip
    """The link's one pass for the platform, made by the first visit (a racing visit keeps the first)."""
    column = f"{device.value}_pass_id"
    pass_id = getattr(link, column)
    if pass_id is None:
        made = await _make(session, link, template_id, device, given, taken=taken)
        if await repository.claim_shared_pass(session, link.id, column, made.id):
            return made
        await pass_repository.remove(session, made)
        pass_id = await repository.shared_pass(session, link.id, column)
    found = await session.get(Pass, pass_id)
    assert found is not None  # deleting the pass clears the link's column
    return found


async def _by_external_id(
    session: AsyncSession, link: AdaptiveLink, template_id: int, given: Overrides
) -> Pass | None:
    """The link's pass with the visit's ``exid`` if made already, handed out at most
    ``installLimitPerPassExternalId`` times (None: this visit makes it)."""
    external_id = str(given.external_id)
    known = await repository.passes_by_external_id(session, link.id, external_id)
    found = next((p for p in known if p.template_id == template_id), None)
    if found is None:
        return None
    if not await repository.take_pass_delivery(session, found.id, link.install_limit_per_pass_external_id):
        raise InstallLimitReached(f"The pass '{external_id}' has reached its install limit")
    return found


async def _make(
    session: AsyncSession, link: AdaptiveLink, template_id: int, device: Platform, given: Overrides,
    *, taken: bool = False,
) -> Pass:  # fmt: skip
    """A new pass of the link's half for ``device``, with the visit's values over the link's."""
    template = await _template(session, template_id)
    if not taken and not await repository.take_pass(session, link.id):
        raise LinkExhausted(f"The adaptive link {link.public_id} has no passes left")
    draft = Draft(**getattr(link, f"{device.value}_draft"))
    if given.changes["fields"] or given.changes["headers"]:
        project = await session.get(Project, template.project_id)
        assert project is not None
        merged = values.merged_changes(draft.values, given.changes)
        draft = replace(draft, values=values.check(template, project, merged))
    places = nearest(link, given.position)
    draft = replace(
        draft,
        external_id=given.external_id,
        tags=sorted({*(draft.tags or []), *given.tags}) or draft.tags,
        locations=places if places is not None else draft.locations,
    )
    account = await session.get(Account, link.account_id)
    assert account is not None
    await pass_service.check_issuable(session, template, draft.external_id)
    made = await pass_service.issue(session, account, template, draft)
    await repository.record_pass(session, link.id, made.pass_.id, 1 if given.external_id else 0)
    if link.journey_id is not None:  # a passenger's or attendee's link: the pass shows their journey
        journey = await session.get(Journey, link.journey_id)
        if journey is not None:
            await journey_service.attach_passes(session, journey, [made.pass_.id])
    return made.pass_


async def issue_shared(session: AsyncSession, link: AdaptiveLink) -> list[Pass]:
    """The link's shared pass of each of its halves, made now unless made already (the multiple form
    issues its passes when the link is made, so its flight or event lists them at once)."""
    issued = []
    for device in (Platform.IOS, Platform.ANDROID):
        template_id = _template_of(link, device)
        if template_id is not None:
            issued.append(await _shared(session, link, template_id, device, overrides(link, {}, {})))
    await session.refresh(link, ["ios_pass_id", "android_pass_id", "available_passes"])
    return issued
