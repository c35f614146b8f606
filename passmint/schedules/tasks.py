"""Running a schedule at its time: exactly once, through the bulk change of passes.

The job's work (the schedule marked as run, the bulk change started on the schedule's ticket) and
the job's done mark commit together under the worker's lease, and marking the schedule is one
conditional statement (see ``repository.mark_ran``), so neither a second worker, nor a duplicate or
retried job, nor a replace or delete racing the run can make it run twice or run a replaced version.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.errors import Conflict, InvalidInput, NotFound
from passmint.jobs.registry import JobContext, job
from passmint.kit.time import utcnow
from passmint.passes import bulk
from passmint.schedules import repository, service
from passmint.tickets import service as ticket_service

log = logging.getLogger(__name__)


@job(service.RUN)
async def run(session: AsyncSession, payload: dict[str, Any], _context: JobContext) -> None:
    """Start the schedule's change if this is its latest version and it has not run yet."""
    schedule_id = uuid.UUID(payload["schedule_id"])
    if not await repository.mark_ran(session, schedule_id, payload["version"], utcnow()):
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
                audience=service.audience_of(schedule),
                project_id=schedule.project_id,
                change=schedule.content,
            )
    except (InvalidInput, NotFound, Conflict) as error:  # the change no longer fits: retrying cannot help
        service.close_ticket(await ticket_service.by_id(session, schedule.ticket_id), error.message)
        log.warning("schedule %s could not run: %s", schedule.id, error.message)
    await session.flush()
