"""Running a schedule at its time: exactly once, through the bulk change of passes.

The job's work (the schedule marked as run, the bulk change started on the schedule's ticket) and
the job's done mark commit together under the worker's lease, and marking the schedule is one
conditional statement (see ``repository.mark_ran``), so neither a second worker, nor a duplicate or
retried job, nor a replace or delete racing the run can make it run twice or run a replaced version.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from passmint import audiences
from passmint.errors import Conflict, InvalidInput, NotFound
from passmint.jobs.registry import JobContext, Payload, job
from passmint.kit.time import utcnow
from passmint.models import Schedule, Ticket
from passmint.passes import bulk
from passmint.schedules import repository
from passmint.tickets import service as ticket_service
from passmint.tickets.schemas import TicketStatus

log = logging.getLogger(__name__)


class RunSchedule(Payload):
    """Run a schedule, if it is still at this ``version``."""

    kind = "schedules.run"
    schedule_id: uuid.UUID
    version: int


@job(RunSchedule)
async def run(session: AsyncSession, payload: RunSchedule, _context: JobContext) -> None:
    """Start the schedule's change if this is its latest version and it has not run yet."""
    schedule_id = payload.schedule_id
    if not await repository.mark_ran(session, schedule_id, payload.version, utcnow()):
        return  # deleted, replaced (a newer job runs it) or already run
    schedule = await repository.reload(session, schedule_id)
    assert schedule is not None
    account = await repository.account_of_project(session, schedule.project_id)
    assert account is not None
    ticket = await ticket_service.by_id(session, schedule.ticket_id)
    try:
        async with session.begin_nested():
            await bulk.start(
                session,
                account,
                ticket,
                audience=audience_of(schedule),
                project_id=schedule.project_id,
                change=schedule.content,
            )
    except (InvalidInput, NotFound, Conflict) as error:  # the change no longer fits: retrying cannot help
        close_ticket(await ticket_service.by_id(session, schedule.ticket_id), error.message)
        log.warning("schedule %s could not run: %s", schedule.id, error.message)
    await session.flush()


def close_ticket(ticket: Ticket, error: str) -> None:
    """Mark a schedule's ticket failed with ``error`` (it never ran, or its run was refused)."""
    ticket.status = TicketStatus.FAILED
    ticket.error = error


def audience_of(schedule: Schedule) -> audiences.Audience:
    """The passes a schedule targets: its audience, within its ``template`` when it names one."""
    audience = audiences.parse(schedule.audience, field=f"{schedule.action}.audience")
    if schedule.template_id is not None:
        audience = audiences.AllOf((audience, audiences.of_template(schedule.template_id)))
    return audience
