"""The job that applies a change to many passes, one batch at a time (started by ``passes.bulk``).

Each batch marks its passes with the ticket, which counts a pass done once the phones holding it have
been pushed (see pushes/planning.py), and queues the batch after it, so a crash resumes at the batch
it stopped in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint import audiences, changes
from passmint.jobs.queue import enqueue
from passmint.jobs.registry import JobContext, Payload, job
from passmint.kit.time import utcnow
from passmint.passes import repository, values
from passmint.passes.schemas import InstallStatus
from passmint.tickets import service as ticket_service

BATCH = 500


class ApplyChange(Payload):
    """A change (see ``values.apply_change``; ``images`` maps image names to stored digests) for the
    account's passes (in ``project_id``, of ``status``) that ``audience`` selects with ids in
    (``after_id``, ``last_id``]; ``changed`` passes were changed by the batches before."""

    kind = "passes.apply_change"
    account_id: int
    project_id: int | None
    audience: Any
    status: InstallStatus | None
    change: dict[str, Any]
    ticket_id: int
    after_id: int
    last_id: int
    changed: int
    counted: bool = True
    """False until the first batch has counted the passes (``last_id`` is then set)."""


@job(ApplyChange)
async def run_batch(session: AsyncSession, payload: ApplyChange, _context: JobContext) -> None:
    """Apply the change to the next batch of passes and queue the batch after it (the first batch of a
    change started with ``counted`` False counts its passes first and sets the ticket's total)."""
    condition = audiences.where(
        audiences.parse(payload.audience), account_id=payload.account_id, project_id=payload.project_id
    )
    if not payload.counted:
        total, last_id = await repository.extent(session, condition, payload.status)
        await ticket_service.settle_total(session, payload.ticket_id, total)
        if total == 0:
            return
        payload = payload.model_copy(update={"last_id": last_id, "counted": True})
    batch = await repository.batch_where(
        session,
        condition,
        after_id=payload.after_id,
        last_id=payload.last_id,
        status=payload.status,
        limit=BATCH,
    )
    now, change = utcnow(), payload.change
    for pass_ in batch:
        pass_.values = values.apply_change(pass_.values, change)
        pass_.image_digests = {**pass_.image_digests, **change.get("images", {})}
        pass_.updated_at = now
    changes.mark_passes(session, [pass_.id for pass_ in batch], ticket_id=payload.ticket_id)
    changed = payload.changed + len(batch)
    if len(batch) == BATCH:
        await enqueue(session, payload.model_copy(update={"after_id": batch[-1].id, "changed": changed}))
    else:
        await ticket_service.settle_total(session, payload.ticket_id, changed)
