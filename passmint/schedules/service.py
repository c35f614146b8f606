"""Schedules: create, list, read, replace and delete a project's scheduled updates and notifications.

Each schedule queues one ``schedules.run`` job due at its time, carrying the schedule's version; a
replace raises the version and queues a new job, so only the run of the latest version does anything
(see ``tasks.py``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint import audiences
from passmint.errors import PassmintError
from passmint.jobs.queue import enqueue
from passmint.kit.refs import Ref
from passmint.kit.time import format_utc, utcnow
from passmint.models import Account, Project, Schedule, Template
from passmint.passes import values
from passmint.passes.errors import PassInvalid
from passmint.projects import service as project_service
from passmint.schedules import repository
from passmint.schedules.errors import (
    ScheduleAlreadyRan,
    ScheduleChanged,
    ScheduleInvalid,
    ScheduleNotFound,
    ScheduleQueryInvalid,
)
from passmint.schedules.schemas import Action, ScheduleBody, ScheduleCursor
from passmint.schedules.tasks import RunSchedule, close_ticket
from passmint.tickets import service as ticket_service

RUN = RunSchedule.kind
TICKET_OPERATION = "schedule"


@dataclass(frozen=True)
class Spec:
    """A checked body, as stored."""

    name: str | None
    scheduled_at: datetime
    action: Action
    audience: Any
    template_id: int | None
    content: dict[str, Any]


@dataclass(frozen=True)
class Listing:
    """One page of a project's pending schedules; ``more`` when pages follow."""

    schedules: list[Schedule]
    total: int
    more: bool


async def list_pending(session: AsyncSession, account: Account, ref: Ref, cursor: ScheduleCursor) -> Listing:
    """The project's schedules that have not run, soonest first (latest first when descending)."""
    project = await project_service.get(session, account, ref)
    after = None
    if cursor.start is not None:
        after = await repository.get(session, project.id, cursor.start)
        if after is None:
            message = f"no schedule {cursor.start} in this project to start after"
            raise ScheduleQueryInvalid(
                f"Invalid request. start: {message}",
                details=[{"field": "start", "location": "query", "message": message}],
            )
    rows = list(
        await repository.pending_page(
            session, project.id, after=after, limit=cursor.limit + 1, descending=cursor.descending
        )
    )
    total = await repository.count_pending(session, project.id)
    return Listing(rows[: cursor.limit], total, more=len(rows) > cursor.limit)


async def create(session: AsyncSession, account: Account, ref: Ref, body: ScheduleBody) -> Schedule:
    """A new schedule with its ticket, and its run queued for its time."""
    project = await project_service.get(session, account, ref)
    spec = await _checked(session, project, body)
    ticket = await ticket_service.open_ticket(session, account, TICKET_OPERATION, total=0)
    schedule = Schedule(project_id=project.id, ticket_id=ticket.id, version=1, **_columns(spec))
    await repository.add(session, schedule)
    await _queue_run(session, schedule)
    return schedule


async def get(session: AsyncSession, account: Account, ref: Ref, schedule_id: uuid.UUID) -> Schedule:
    """The project's schedule, whether or not it ran."""
    project = await project_service.get(session, account, ref)
    return await _schedule(session, project, schedule_id)


async def replace(
    session: AsyncSession, account: Account, ref: Ref, schedule_id: uuid.UUID, body: ScheduleBody
) -> Schedule:
    """Replace everything about a schedule that has not run (its id and ticket stay)."""
    project = await project_service.get(session, account, ref)
    schedule = await _pending(session, project, schedule_id)
    spec = await _checked(session, project, body)
    if not await repository.replace_pending(session, schedule.id, schedule.version, _columns(spec)):
        raise await _lost_race(session, project, schedule_id)
    replaced = await repository.reload(session, schedule.id)
    assert replaced is not None
    await _queue_run(session, replaced)
    return replaced


async def delete(session: AsyncSession, account: Account, ref: Ref, schedule_id: uuid.UUID) -> None:
    """Cancel a schedule that has not run; its ticket is closed as cancelled."""
    project = await project_service.get(session, account, ref)
    schedule = await _pending(session, project, schedule_id)
    if not await repository.delete_pending(session, schedule.id):
        raise await _lost_race(session, project, schedule_id)
    ticket = await ticket_service.by_id(session, schedule.ticket_id)
    close_ticket(ticket, f"Cancelled: schedule {schedule_id} was deleted before it ran")
    await session.flush()


async def _schedule(session: AsyncSession, project: Project, schedule_id: uuid.UUID) -> Schedule:
    schedule = await repository.get(session, project.id, schedule_id)
    if schedule is None:
        raise ScheduleNotFound(f"Schedule {schedule_id} was not found in project {project.id}")
    return schedule


async def _pending(session: AsyncSession, project: Project, schedule_id: uuid.UUID) -> Schedule:
    """The schedule as read now; 409 if it ran already. Writes to it must still check it did not run
    meanwhile (``repository.replace_pending``, ``repository.delete_pending``)."""
    schedule = await _schedule(session, project, schedule_id)
    if schedule.ran_at is not None:
        raise ScheduleAlreadyRan(
            f"Schedule {schedule_id} already ran at {format_utc(schedule.ran_at)}; "
            "it can be read but no longer changed or deleted"
        )
    return schedule


async def _lost_race(session: AsyncSession, project: Project, schedule_id: uuid.UUID) -> PassmintError:
    """Why a write to a schedule that was pending when read found it changed: it ran, went, or was
    replaced by another request meanwhile."""
    schedule = await repository.reload(session, schedule_id)
    if schedule is None:
        return ScheduleNotFound(f"Schedule {schedule_id} was not found in project {project.id}")
    if schedule.ran_at is not None:
        return ScheduleAlreadyRan(f"Schedule {schedule_id} started running while this request was handled")
    return ScheduleChanged(f"Schedule {schedule_id} was replaced by another request meanwhile; read it again")


async def _checked(session: AsyncSession, project: Project, body: ScheduleBody) -> Spec:
    """The body as stored, or ``ScheduleInvalid`` naming the offending field."""
    if body.update is not None and body.notify is not None:
        raise _invalid("notify", "cannot be sent with update: a schedule either updates or notifies")
    if body.update is None and body.notify is None:
        raise _invalid("update", "a schedule needs either update (change fields) or notify (send a message)")
    scheduled_at = body.schedule.scheduled_time
    if scheduled_at < utcnow():
        raise _invalid(
            "schedule.scheduled_time", f"{format_utc(scheduled_at)} is in the past; give a time still to come"
        )
    if body.update is not None:
        audience = await _audience(session, project, body.update.audience, "update.audience")
        template_id = body.update.template
        content = {"fields": body.update.pass_.model_dump(by_alias=True, exclude_unset=True)["fields"]}
        await _check_fields(session, project, template_id, content)
        return Spec(body.name, scheduled_at, Action.UPDATE, audience.as_json(), template_id, content)
    assert body.notify is not None
    audience = await _audience(session, project, body.notify.audience, "notify.audience")
    notification = body.notify.pass_.notification.model_dump(exclude_none=True)
    return Spec(
        body.name, scheduled_at, Action.NOTIFY, audience.as_json(), None, {"notification": notification}
    )


async def _audience(session: AsyncSession, project: Project, value: object, field: str) -> audiences.Audience:
    """The audience as sent (stored so: a segment in it is read when the schedule runs); a segment it names
    must be one of the project's now (404 otherwise)."""
    audience = audiences.parse(value, field=field)
    await audiences.resolve(session, audience, account_id=project.account_id, project_id=project.id)
    return audience


async def _check_fields(
    session: AsyncSession, project: Project, template_id: int | None, content: dict[str, Any]
) -> None:
    """Refuse values a template cannot take, as a bulk update of its passes would, for the named
    template (where an unknown field is refused too) or else every template of the project that has
    the field (an update of a whole project may name fields only some of its templates have)."""
    if images := values.image_urls(content):
        name = next(iter(images))
        raise _invalid(f"update.pass.fields.{name}", "images cannot be scheduled; change them now instead")
    if template_id is None:
        templates = list(await repository.live_templates(session, project.id))
    elif (template := await repository.live_template(session, project.id, template_id)) is not None:
        templates = [template]
    else:
        raise _invalid("update.template", f"no template {template_id} in project {project.id}")
    for template in templates:
        try:
            values.check(template, project, content)
        except PassInvalid as error:
            problems = [d for d in error.details if template_id is not None or _known(template, d["field"])]
            if problems:
                summary = "; ".join(f"update.pass.{d['field']}: {d['message']}" for d in problems)
                details = [d | {"field": f"update.pass.{d['field']}"} for d in problems]
                raise ScheduleInvalid(f"Invalid request. {summary}", details=details) from None


def _known(template: Template, field: str) -> bool:
    """Whether a problem at ``field`` (``fields.<name>...``) concerns a field the template has."""
    name = field.removeprefix("fields.").split(".", 1)[0]
    return field.startswith("fields.") and name in template.design.get("fields", {})


def _columns(spec: Spec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "scheduled_at": spec.scheduled_at,
        "action": spec.action.value,
        "audience": spec.audience,
        "template_id": spec.template_id,
        "content": spec.content,
    }


async def _queue_run(session: AsyncSession, schedule: Schedule) -> None:
    payload = RunSchedule(schedule_id=schedule.id, version=schedule.version)
    await enqueue(session, payload, run_at=schedule.scheduled_at)


def _invalid(field: str, message: str) -> ScheduleInvalid:
    return ScheduleInvalid(
        f"Invalid request. {field}: {message}",
        details=[{"field": field, "location": "body", "message": message}],
    )
