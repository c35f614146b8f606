"""A visit to an adaptive link (no credentials): the phone's pass, its wallet's redirect, or the landing.

One indexed lookup finds the link (by its public id). A non-personalised link hands every visitor the
same pass per platform, made on the first visit (and signed once: the wallet format keeps signed
passes); a personalised link, or a visit whose query sets values, makes a new pass (one insert, plus
the row noting the link made it). Counters are conditional updates, so two visits cannot both take
the last pass.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings
from passmint.journeys import service as journey_service
from passmint.kit.files import Download
from passmint.links import kept, repository
from passmint.links.errors import InstallLimitReached, LinkExhausted, LinkExpired, LinkInvalid, LinkNotFound
from passmint.links.repository import Stamp
from passmint.links.schemas import Platform
from passmint.links.service import is_expired, link_url
from passmint.models import Account, AdaptiveLink, Journey, Pass, Project, Template
from passmint.pages import render_landing
from passmint.passes import downloads, values
from passmint.passes import repository as pass_repository
from passmint.passes import service as pass_service
from passmint.passes.service import Draft
from passmint.registrations.wallet_apps import recognize
from passmint.wallets import format_of
from passmint.wallets.apple import AppleWallet

RESERVED = frozenset({"barcode", "barcodeAltText", "tags", "exid", "lat", "long", "deviceType", "ids"})
MAX_LINKS = 10
APPLE_MAX_LOCATIONS = 10
DEFAULT_RADIUS_MILES = 10
EARTH_RADIUS_MILES = 3958.8


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


@dataclass(frozen=True)
class Overrides:
    """What a visit's query sets on the pass it makes."""

    changes: dict[str, Any]
    external_id: str | None
    tags: list[str]
    position: tuple[float, float] | None

    @property
    def personal(self) -> bool:
        return bool(self.changes["fields"] or self.changes["headers"] or self.external_id or self.tags)


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
        raise _invalid("ids", f"name 1 to {MAX_LINKS} adaptive links")
    device = platform or detect(headers)
    found = [await _link(session, public_id, device) for public_id in public_ids]
    links = [link for link, _, _ in found]
    for link in links:
        if is_expired(link):
            raise LinkExpired(f"The adaptive link {link.public_id} has expired")
    stamp = kept.stamp_of(found, device, query, settings)
    if stamp is not None:
        cached = await kept.cached(session, found[0], stamp, settings)
        if cached is not None:
            return cached
    with_half = [
        (link, shared)
        for link, shared, _ in found
        if device is not Platform.WEB and _template_of(link, device)
    ]
    if not with_half:
        return await _landing(session, links, query, headers, settings)
    handed = [await _hand_out(session, link, shared, device, query) for link, shared in with_half]
    records = [await downloads.record_of(session, pass_) for pass_ in handed]
    wallet = format_of(records[0].template.vendor)
    if stamp is not None and isinstance(wallet, AppleWallet):  # kept for the next such visit
        return await wallet.deliver(session, records[0], settings, stamp=stamp)
    return await wallet.deliver_many(session, records, settings, "passes.pkpasses")


async def _landing(
    session: AsyncSession,
    links: Sequence[AdaptiveLink],
    query: Mapping[str, str],
    headers: Mapping[str, str],
    settings: Settings,
) -> Outcome:
    """The first link's own landing page, else passmint's: it shows the pass a non-personalised visit
    gets (the link's shared pass, made as the first such visit makes it; never the visit's own values),
    with a button per platform. The QR code and buttons keep the visit's address and query, so the phone
    gets every link's pass with the visit's values; such a page, or a personalised link's, is the
    visitor's own (not kept by shared caches)."""
    link = links[0]
    if link.landing_page_url:
        return Redirect(link.landing_page_url)
    halves = [device for device in (Platform.IOS, Platform.ANDROID) if _template_of(link, device)]
    template_id = _template_of(link, halves[0])
    assert template_id is not None  # a link has at least one half (checked when it is made)
    shown = await _shared(session, link, template_id, halves[0], _overrides(link, {}, {}))
    kept = {name: value for name, value in query.items() if name != "deviceType"}
    offered = {
        device
        for device in (Platform.IOS, Platform.ANDROID)
        if any(_template_of(each, device) for each in links)
    }
    page_url, apple_url, google_url = _addresses(link, kept, offered, settings)
    html = await render_landing(
        session,
        await downloads.record_of(session, shown),
        settings,
        page_url=page_url,
        apple_url=apple_url,
        google_url=google_url,
        accept_language=headers.get("accept-language"),
    )
    personal = any(each.is_personalized for each in links) or bool(set(kept) - {"ids"})
    return Landing(html, shared=not personal)


def _addresses(
    link: AdaptiveLink, kept: Mapping[str, str], offered: set[Platform], settings: Settings
) -> tuple[str, str | None, str | None]:
    """The page's own address (its QR code) and each button's: the link's, or, when the visit named
    several links (``ids``), the address that installs them all; with the visit's query."""
    if "ids" in kept:
        every = f"{settings.base_url}/v1/pass/adaptive?{urlencode(kept)}"
        apple, google = f"{every}&deviceType=ios", f"{every}&deviceType=android"
        page = every
    else:
        url, suffix = link_url(settings.base_url, link.public_id), f"?{urlencode(kept)}" if kept else ""
        page, apple, google = url + suffix, f"{url}/ios{suffix}", f"{url}/android{suffix}"
    return (
        page,
        apple if Platform.IOS in offered else None,
        google if Platform.ANDROID in offered else None,
    )


async def _link(
    session: AsyncSession, public_id: str, device: Platform
) -> tuple[AdaptiveLink, Pass | None, Stamp | None]:
    """The link, and its shared pass for ``device`` if made, with its stamp: one indexed lookup."""
    column = None if device is Platform.WEB else f"{device.value}_pass_id"
    found = await repository.by_public_id(session, public_id, column)
    if found is None:
        raise LinkNotFound(f"There is no adaptive link '{public_id}'")
    return found


def _template_of(link: AdaptiveLink, device: Platform) -> int | None:
    found: int | None = getattr(link, f"{device.value}_template_id")
    return found


async def _hand_out(
    session: AsyncSession, link: AdaptiveLink, shared: Pass | None, device: Platform, query: Mapping[str, str]
) -> Pass:
    """The pass this visit of the link gets for ``device``: the shared one, or one made for it."""
    template_id = _template_of(link, device)
    assert template_id is not None  # the caller checked
    design = (await _template(session, template_id)).design if set(query) - RESERVED else {}
    overrides = _overrides(link, design, query)
    if overrides.external_id is not None:
        pass_ = await _by_external_id(session, link, template_id, device, overrides)
    elif link.is_personalized or overrides.personal or overrides.position:
        pass_ = await _make(session, link, template_id, device, overrides)
    else:
        pass_ = shared or await _shared(session, link, template_id, device, overrides)
    if link.install_limit is not None and not await repository.take_delivery(
        session, link.id, link.install_limit
    ):
        raise InstallLimitReached(f"The adaptive link {link.public_id} has reached its install limit")
    await kept.touch(session, link)
    return pass_


async def _template(session: AsyncSession, template_id: int) -> Template:
    template = await session.get(Template, template_id)
    assert template is not None  # the link's foreign key guarantees it
    return template


async def _shared(
    session: AsyncSession, link: AdaptiveLink, template_id: int, device: Platform, overrides: Overrides
) -> Pass:
    """The link's one pass for the platform, made by the first visit (a racing visit keeps the first)."""
    column = f"{device.value}_pass_id"
    pass_id = getattr(link, column)
    if pass_id is None:
        made = await _make(session, link, template_id, device, overrides)
        if await repository.claim_shared_pass(session, link.id, column, made.id):
            return made
        await pass_repository.remove(session, made)
        pass_id = await repository.shared_pass(session, link.id, column)
    found = await session.get(Pass, pass_id)
    assert found is not None  # deleting the pass clears the link's column
    return found


async def _by_external_id(
    session: AsyncSession, link: AdaptiveLink, template_id: int, device: Platform, overrides: Overrides
) -> Pass:
    """The link's pass with the visit's ``exid`` (made on the first such visit), handed out at most
    ``installLimitPerPassExternalId`` times."""
    external_id = str(overrides.external_id)
    known = await repository.passes_by_external_id(session, link.id, external_id)
    found = next((p for p in known if p.template_id == template_id), None)
    if found is None:
        return await _make(session, link, template_id, device, overrides)
    if not await repository.take_pass_delivery(session, found.id, link.install_limit_per_pass_external_id):
        raise InstallLimitReached(f"The pass '{external_id}' has reached its install limit")
    return found


async def _make(
    session: AsyncSession, link: AdaptiveLink, template_id: int, device: Platform, overrides: Overrides
) -> Pass:
    """A new pass of the link's half for ``device``, with the visit's values over the link's."""
    template = await _template(session, template_id)
    if not await repository.take_pass(session, link.id):
        raise LinkExhausted(f"The adaptive link {link.public_id} has no passes left")
    draft = Draft(**getattr(link, f"{device.value}_draft"))
    if overrides.changes["fields"] or overrides.changes["headers"]:
        project = await session.get(Project, template.project_id)
        assert project is not None
        merged = values.merged_changes(draft.values, overrides.changes)
        draft = replace(draft, values=values.check(template, project, merged))
    places = _nearest(link, overrides.position)
    draft = replace(
        draft,
        external_id=overrides.external_id,
        tags=sorted({*(draft.tags or []), *overrides.tags}) or draft.tags,
        locations=places if places is not None else draft.locations,
    )
    account = await session.get(Account, link.account_id)
    assert account is not None
    await pass_service.check_issuable(session, template, draft.external_id)
    made = await pass_service.issue(session, account, template, draft)
    await repository.record_pass(session, link.id, made.pass_.id, 1 if overrides.external_id else 0)
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
            issued.append(await _shared(session, link, template_id, device, _overrides(link, {}, {})))
    await session.refresh(link, ["ios_pass_id", "android_pass_id", "available_passes"])
    return issued


def _overrides(link: AdaptiveLink, design: Mapping[str, Any], query: Mapping[str, str]) -> Overrides:
    """The values a visit's query sets: the reserved parameters, and any of the template's fields or
    headers by name (other parameters, ``utm_source`` say, are left alone); base64-encoded when the
    link says so."""
    decode = link.parameter_encoding == "base64"
    design_fields = design.get("fields", {})
    design_headers = design.get("headers", {})
    fields: dict[str, Any] = {}
    headers: dict[str, Any] = {}
    for name, raw in query.items():
        if name in RESERVED or (name not in design_fields and name not in design_headers):
            continue
        (fields if name in design_fields else headers)[name] = {"value": _text(name, raw, decode)}
    if "barcode" in query:
        barcode = _text("barcode", query["barcode"], decode)
        headers["barcode_value"] = {"value": barcode}
        headers["barcodeAltText"] = {"value": barcode}
    if "barcodeAltText" in query:
        headers["barcodeAltText"] = {"value": _text("barcodeAltText", query["barcodeAltText"], decode)}
    external_id = _text("exid", query["exid"], decode) if query.get("exid") else None
    tags = [tag for tag in _text("tags", query.get("tags", ""), decode).split("~") if tag.strip()]
    return Overrides({"fields": fields, "headers": headers}, external_id, tags, _position(query))


def _text(name: str, raw: str, decode: bool) -> str:
    if not decode:
        return raw
    try:
        padded = raw.replace("-", "+").replace("_", "/") + "=" * (-len(raw) % 4)
        return base64.b64decode(padded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _invalid(name, "is not base64 (the link's parameterEncoding) of UTF-8 text") from None


def _position(query: Mapping[str, str]) -> tuple[float, float] | None:
    if "lat" not in query and "long" not in query:
        return None
    try:
        latitude, longitude = float(query["lat"]), float(query["long"])
    except (KeyError, ValueError):
        raise _invalid("lat", "lat and long must both be numbers") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise _invalid("lat", "lat must be within ±90 and long within ±180")
    return latitude, longitude


def _nearest(link: AdaptiveLink, position: tuple[float, float] | None) -> list[dict[str, object]] | None:
    """The link's locations a pass gets: those within ``locationRadius`` of the visitor's position,
    nearest first, at most ``maxResultLocations`` (and Apple's 10); the first ones without a position."""
    if not link.locations:
        return None
    most = min(link.max_result_locations or APPLE_MAX_LOCATIONS, APPLE_MAX_LOCATIONS)
    if position is None:
        return [dict(place) for place in link.locations[:most]]
    radius = DEFAULT_RADIUS_MILES if link.location_radius is None else link.location_radius
    distances = [(_miles(position, place), index) for index, place in enumerate(link.locations)]
    near = sorted((d, i) for d, i in distances if d <= radius)
    return [dict(link.locations[index]) for _, index in near[:most]]


def _miles(position: tuple[float, float], place: Mapping[str, Any]) -> float:
    """Great-circle distance (haversine) from ``position`` to a location, in miles."""
    lat1, lon1 = map(math.radians, position)
    lat2, lon2 = math.radians(float(place["latitude"])), math.radians(float(place["longitude"]))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def _invalid(field: str, message: str) -> LinkInvalid:
    return LinkInvalid(
        f"{field}: {message}", details=[{"field": field, "location": "query", "message": message}]
    )
