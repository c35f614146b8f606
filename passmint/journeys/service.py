"""Flights and events: create (or upsert by external id), read, change, delete, pass groups.

A change to a journey reaches every pass that shows it through the change pipeline: jobs
(``journeys.tasks.Propagate``) give those passes a new ``updated_at`` and mark them, in batches, with a
ticket counting them, so their phones are pushed like after any pass update. The request only writes
the journey and queues the first batch, so a pass group of many flights and passes answers at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint import changes
from passmint.jobs.queue import enqueue
from passmint.journeys import repository
from passmint.journeys.errors import JourneyNotFound, NotInPassGroup, PassGroupNotFound
from passmint.journeys.fields import written
from passmint.journeys.kinds import Kind
from passmint.journeys.schemas import FieldsBody, JourneyBody
from passmint.journeys.tasks import Propagate
from passmint.kit.pagination import PageRequest
from passmint.kit.refs import Ref
from passmint.kit.time import utcnow
from passmint.models import Account, Journey, Project
from passmint.passes import service as pass_service
from passmint.passes.schemas import InstallStatus
from passmint.passes.service import PassPage
from passmint.projects import service as project_service
from passmint.tickets import service as ticket_service


@dataclass(frozen=True)
class JourneyView:
    journey: Journey
    project: Project
    groups: list[str]


async def create(
    session: AsyncSession,
    account: Account,
    kind: Kind,
    project_ref: Ref,
    body: JourneyBody,
    external_id: str | None,
) -> tuple[JourneyView, bool]:
    """A new journey; with an external id the project already uses for one, a partial update of it
    instead (the reference's upsert). Also says whether it was created."""
    project = await project_service.get(session, account, project_ref)
    if external_id is not None:
        found = await repository.by_external_id(session, project.id, kind.name, external_id)
        if found is not None:
            return await _change(session, account, kind, project, found, body), False
    fields, semantics = written(kind, {}, {}, body.fields, creating=True)
    journey = Journey(
        project_id=project.id, kind=kind.name, external_id=external_id, fields=fields, semantics=semantics
    )
    stored = await repository.add_unless_taken(session, journey)
    if stored is None:  # a racing request made it since the lookup above: this one changes it
        found = await repository.by_external_id(session, project.id, kind.name, str(external_id))
        assert found is not None
        return await _change(session, account, kind, project, found, body), False
    await repository.add_groups(session, stored, body.pass_groups or [])
    return await _view(session, project, stored), True


async def get(session: AsyncSession, account: Account, kind: Kind, project_ref: Ref, ref: Ref) -> JourneyView:
    project, journey = await _find(session, account, kind, project_ref, ref)
    return await _view(session, project, journey)


async def update(
    session: AsyncSession, account: Account, kind: Kind, project_ref: Ref, ref: Ref, body: JourneyBody
) -> JourneyView:
    """Change what was sent; the passes showing the journey follow (see the module)."""
    project, journey = await _find(session, account, kind, project_ref, ref)
    return await _change(session, account, kind, project, journey, body)


async def delete(session: AsyncSession, account: Account, kind: Kind, project_ref: Ref, ref: Ref) -> None:
    """Delete the journey; the passes that showed it keep their own values and are told of the change."""
    _project, journey = await _find(session, account, kind, project_ref, ref)
    pass_ids = await repository.pass_ids(session, journey.id)
    if pass_ids:
        await repository.touch_batch(
            session, [journey.id], after_id=0, last_id=max(pass_ids), limit=len(pass_ids)
        )
        changes.mark_passes(session, pass_ids)
    await repository.remove(session, journey)


async def groups(
    session: AsyncSession, account: Account, kind: Kind, project_ref: Ref, ref: Ref
) -> JourneyView:
    return await get(session, account, kind, project_ref, ref)


async def add_groups(
    session: AsyncSession, account: Account, kind: Kind, project_ref: Ref, ref: Ref, names: Sequence[str]
) -> JourneyView:
    """Add the journey to these groups (made as needed); groups it is in already are ignored."""
    project, journey = await _find(session, account, kind, project_ref, ref)
    await repository.add_groups(session, journey, names)
    return await _view(session, project, journey)


async def remove_group(
    session: AsyncSession, account: Account, kind: Kind, project_ref: Ref, ref: Ref, name: str
) -> None:
    _project, journey = await _find(session, account, kind, project_ref, ref)
    if not await repository.remove_group(session, journey.id, name):
        raise NotInPassGroup(f"{kind.title} {ref} is not in pass group {name}")


async def update_group(
    session: AsyncSession, account: Account, kind: Kind, project_ref: Ref, name: str, fields: FieldsBody
) -> list[int]:
    """Change these fields on every journey of the group; the ids of those journeys."""
    project = await project_service.get(session, account, project_ref)
    members = await repository.in_group(session, project.id, kind.name, name)
    if not members:
        raise PassGroupNotFound(f"Pass group {name} has no {kind.name}s in project {project_ref}")
    for journey in members:
        journey.fields, journey.semantics = written(
            kind, journey.fields, journey.semantics, fields, creating=False
        )
        journey.updated_at = utcnow()
    await _propagate(session, account, kind, [journey.id for journey in members])
    return [journey.id for journey in members]


async def list_passes(
    session: AsyncSession,
    account: Account,
    kind: Kind,
    project_ref: Ref,
    ref: Ref,
    page: PageRequest,
    status: InstallStatus | None,
) -> PassPage:
    """One page of the passes that show the journey."""
    _project, journey = await _find(session, account, kind, project_ref, ref)
    where = repository.shows([journey.id])
    return await pass_service.list_passes(session, account, page, status=status, where=where)


async def attach_passes(session: AsyncSession, journey: Journey, pass_ids: Sequence[int]) -> None:
    """These passes (of the journey's account) show the journey from now on, and their phones hear of it.
    The multiple adaptive link calls this for the passes it issues."""
    if pass_ids:
        await repository.link(session, journey.id, pass_ids)
        changes.mark_passes(session, pass_ids)


async def find(session: AsyncSession, account: Account, kind: Kind, project_ref: Ref, ref: Ref) -> Journey:
    """The account's journey of ``kind`` named by ``ref`` in the project."""
    return (await _find(session, account, kind, project_ref, ref))[1]


async def _change(
    session: AsyncSession, account: Account, kind: Kind, project: Project, journey: Journey, body: JourneyBody
) -> JourneyView:
    if body.fields is not None:
        journey.fields, journey.semantics = written(
            kind, journey.fields, journey.semantics, body.fields, creating=False
        )
    if body.pass_groups is not None:
        await repository.clear_groups(session, journey.id)
        await repository.add_groups(session, journey, body.pass_groups)
    journey.updated_at = utcnow()
    await session.flush()
    await _propagate(session, account, kind, [journey.id])
    return await _view(session, project, journey)


async def _propagate(session: AsyncSession, account: Account, kind: Kind, journey_ids: list[int]) -> None:
    """Queue the jobs that carry a change of these journeys to the passes showing them."""
    total, last_id = await repository.extent(session, journey_ids)
    if total == 0:
        return
    ticket = await ticket_service.open_ticket(session, account, f"{kind.name}s.update", total=total)
    await enqueue(
        session, Propagate(journey_ids=journey_ids, ticket_id=ticket.id, after_id=0, last_id=last_id)
    )


async def _find(
    session: AsyncSession, account: Account, kind: Kind, project_ref: Ref, ref: Ref
) -> tuple[Project, Journey]:
    project = await project_service.get(session, account, project_ref)
    if ref.id is not None:
        journey = await repository.get(session, project.id, kind.name, ref.id)
    else:
        assert ref.external_id is not None
        journey = await repository.by_external_id(session, project.id, kind.name, ref.external_id)
    if journey is None:
        raise JourneyNotFound(f"{kind.title} {ref} was not found in project {project_ref}")
    return project, journey


async def _view(session: AsyncSession, project: Project, journey: Journey) -> JourneyView:
    return JourneyView(journey, project, await repository.groups(session, journey.id))


def shown_fields(journey: Journey) -> dict[str, Any]:
    """The journey's fields as its answers show them, tags under ``semantics``."""
    return {**journey.fields, **({"semantics": journey.semantics} if journey.semantics else {})}
