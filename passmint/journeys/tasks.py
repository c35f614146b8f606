"""The job that carries a change of flights or events to the passes showing them, a batch at a time.

Each batch gives its passes a new ``updated_at`` and marks them with the ticket, which counts a pass
done once the phones holding it have been pushed (see pushes/planning.py), and queues the batch after
it, so a crash resumes at the batch it stopped in.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from passmint import changes
from passmint.jobs.queue import enqueue
from passmint.jobs.registry import JobContext, Payload, job
from passmint.journeys import repository
from passmint.tickets import service as ticket_service

BATCH = 500


class Propagate(Payload):
    """Passes showing ``journey_ids``, ids in (``after_id``, ``last_id``], are to be told of a change."""

    kind = "journeys.propagate"
    journey_ids: list[int]
    ticket_id: int
    after_id: int
    last_id: int
    changed: int = 0


@job(Propagate)
async def propagate(session: AsyncSession, payload: Propagate, _context: JobContext) -> None:
    """Mark the next batch of passes changed and queue the batch after it."""
    ids = await repository.touch_batch(
        session, payload.journey_ids, after_id=payload.after_id, last_id=payload.last_id, limit=BATCH
    )
    changes.mark_passes(session, ids, ticket_id=payload.ticket_id)
    changed = payload.changed + len(ids)
    if len(ids) == BATCH:
        await enqueue(session, payload.model_copy(update={"after_id": ids[-1], "changed": changed}))
    else:
        await ticket_service.settle_total(session, payload.ticket_id, changed)
