"""The multiple adaptive link: boarding passes for a flight's passengers, tickets for an event's attendees.

Each passenger (or attendee) gets an adaptive link of their own, upserted by ``adaptiveLinkExternalId``
within the project (a person without one gets a new link each time), in the order of the request. Their
own fields (seat, confirmation code, name, barcode) go over the payload's onto their pass; the flight or
event (named, or made from its fields) is referenced by every pass the link makes, so a change to it
reaches them. A link that is not personalised makes its pass at once, so the flight lists it before
anyone installs it; a later request with the same external id changes that pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.images.sources import ImageSource
from passmint.journeys import service as journey_service
from passmint.journeys.errors import JourneyNotFound
from passmint.journeys.fields import written
from passmint.journeys.kinds import EVENT, FLIGHT, Kind
from passmint.journeys.schemas import JourneyBody
from passmint.kit.refs import PassLocator, Ref
from passmint.links import repository, service, visits
from passmint.links.errors import LinkExternalIdTaken, LinkInvalid
from passmint.links.schemas import EventItem, FlightItem, Holder, LinkBody, MultipleBody
from passmint.links.service import LinkView
from passmint.models import Account, AdaptiveLink, Journey
from passmint.passes import service as pass_service
from passmint.passes.schemas import PassUpdate

JOURNEY_KEYS = {"flights", "events", "isFlightUpdatePermitted", "isEventTicketUpdatePermitted"}


@dataclass(frozen=True)
class Issued:
    """One person's link as the answer prints it: whether this request made it, and their journey."""

    view: LinkView
    kind: Kind
    journey: Journey
    created: bool


async def create(
    session: AsyncSession, account: Account, project_ref: Ref, body: MultipleBody, images: ImageSource
) -> list[Issued]:
    """A link per person of every flight, then every event, of the body, in its order."""
    payload = body.payload
    groups: list[tuple[Kind, list[FlightItem | EventItem], bool]] = [
        (FLIGHT, [*(payload.flights or [])], payload.is_flight_update_permitted),
        (EVENT, [*(payload.events or [])], payload.is_event_ticket_update_permitted),
    ]
    issued = []
    for kind, items, permitted in groups:
        for index, item in enumerate(items):
            where = f"payload.{kind.group_list_key}[{index}]"
            journey = await _journey(session, account, kind, project_ref, item, permitted, where)
            people = item.passengers if isinstance(item, FlightItem) else item.attendees
            for person in people:
                issued.append(await _link(session, account, project_ref, kind, journey, body, person, images))
    return issued


async def _journey(
    session: AsyncSession, account: Account, kind: Kind, project_ref: Ref,
    item: FlightItem | EventItem, permitted: bool, where: str,
) -> Journey:  # fmt: skip
    """The item's flight or event: the one it names (changed by its fields when permitted), else a new one."""
    item_id = item.flight_id if isinstance(item, FlightItem) else item.event_id
    external_id = item.flight_external_id if isinstance(item, FlightItem) else item.event_external_id
    journey = None
    if item_id is not None:
        journey = await journey_service.find(session, account, kind, project_ref, Ref(id=item_id))
    elif external_id is not None:
        try:
            named = Ref(external_id=external_id)
            journey = await journey_service.find(session, account, kind, project_ref, named)
        except JourneyNotFound:
            if item.fields is None:
                raise
    if journey is None:
        if item.fields is None:
            message = f"name a {kind.id_key} or {kind.external_key}, or give the fields of a new {kind.name}"
            raise _invalid(f"{where}.fields", message)
        body = JourneyBody(pass_groups=item.pass_groups, fields=item.fields)
        made, _ = await journey_service.create(session, account, kind, project_ref, body, external_id)
        return made.journey
    if permitted:
        await _change(session, account, kind, project_ref, journey, item)
    return journey


async def _change(
    session: AsyncSession, account: Account, kind: Kind, project_ref: Ref, journey: Journey,
    item: FlightItem | EventItem,
) -> None:  # fmt: skip
    """Apply the item's fields and groups to an existing journey, when they change anything (so sending
    the same flight again pushes no phone)."""
    ref = Ref(id=journey.id)
    if item.fields is not None:
        fields, semantics = written(kind, journey.fields, journey.semantics, item.fields, creating=False)
        if (fields, semantics) != (journey.fields, journey.semantics):
            await journey_service.update(
                session, account, kind, project_ref, ref, JourneyBody(fields=item.fields)
            )
    if item.pass_groups:
        await journey_service.add_groups(session, account, kind, project_ref, ref, item.pass_groups)


async def _link(
    session: AsyncSession, account: Account, project_ref: Ref, kind: Kind, journey: Journey,
    body: MultipleBody, person: Holder, images: ImageSource,
) -> Issued:  # fmt: skip
    """The person's link, made or (by its external id) changed, and its passes showing the journey."""
    link_body = _link_body(body, person)
    view, created = await _upsert(
        session, account, project_ref, journey.project_id, link_body, person, images
    )
    link = view.link
    link.kind, link.journey_id = kind.name, journey.id
    await session.flush()
    if not link.is_personalized:
        await visits.issue_shared(session, link)
    await journey_service.attach_passes(session, journey, await repository.pass_ids(session, link.id))
    return Issued(await service.view(session, link), kind, journey, created)


async def _upsert(
    session: AsyncSession, account: Account, project_ref: Ref, project_id: int, body: LinkBody,
    person: Holder, images: ImageSource,
) -> tuple[LinkView, bool]:  # fmt: skip
    """The person's link: made, or the one with their external id changed (its passes too); whether made."""
    external_id = person.adaptive_link_external_id
    known = await _known(session, account, project_id, external_id)
    if known is None:
        try:
            made = await service.create(
                session, account, body, images, project_ref=project_ref, external_id=external_id
            )
            return made, True
        except LinkExternalIdTaken:  # a racing request made it since the lookup: this one changes it
            known = await _known(session, account, project_id, external_id)
            assert known is not None
    view = await service.update(session, account, known.public_id, body, images)
    await _refresh_passes(session, account, view.link, body, images)
    return view, False


async def _known(
    session: AsyncSession, account: Account, project_id: int, external_id: str | None
) -> AdaptiveLink | None:
    """The project's passenger or attendee link with this external id; a 409 for an ordinary link's."""
    if external_id is None:
        return None
    found = await repository.by_external_id(session, account.id, external_id, project_id)
    if found and found[0].kind == "single":
        raise LinkExternalIdTaken(
            f"Project {project_id} has an ordinary adaptive link '{external_id}': a passenger's or "
            "attendee's link needs another adaptiveLinkExternalId"
        )
    return found[0] if found else None


async def _refresh_passes(
    session: AsyncSession, account: Account, link: AdaptiveLink, body: LinkBody, images: ImageSource
) -> None:
    """The link's shared passes take the person's new values (their phones are told, as for any update)."""
    for platform in ("ios", "android"):
        pass_id = getattr(link, f"{platform}_pass_id")
        if pass_id is not None and body.payload is not None:
            update = PassUpdate.model_validate(
                service.pass_body(body.payload, platform).model_dump(by_alias=True, exclude_unset=True)
            )
            await pass_service.update(session, account, PassLocator(pass_id=pass_id), update, images)


def _link_body(body: MultipleBody, person: Holder) -> LinkBody:
    """The link settings of the body, with the payload the person's passes show: the payload's values
    and the person's fields over them (barcode fields are headers of a pass)."""
    payload: dict[str, Any] = body.payload.model_dump(by_alias=True, exclude_unset=True)
    for key in JOURNEY_KEYS:
        payload.pop(key, None)
    fields = dict(payload.get("fields") or {})
    headers = dict(payload.get("headers") or {})
    for name, value in person.fields.items():
        target = headers if name.startswith("barcode") or name == "expirationDate" else fields
        target[name] = value.model_dump(by_alias=True, exclude_unset=True)
    payload["fields"], payload["headers"] = fields, headers
    settings = body.model_dump(by_alias=True, exclude_unset=True, exclude={"payload"})
    return LinkBody.model_validate({**settings, "payload": payload})


def _invalid(field: str, message: str) -> LinkInvalid:
    return LinkInvalid(
        f"{field}: {message}", details=[{"field": field, "location": "body", "message": message}]
    )
