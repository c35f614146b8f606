"""Updating every pass of a template: validated in the request, applied by jobs in batches."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.images.sources import ImageSource
from passmint.jobs.queue import enqueue
from passmint.jobs.registry import JobContext, job
from passmint.kit.refs import Ref
from passmint.kit.time import utcnow
from passmint.models import Account, Ticket
from passmint.passes import changes, repository, values
from passmint.passes.schemas import InstallStatus, PassBody
from passmint.templates import service as template_service
from passmint.tickets import service as ticket_service

BATCH = 500
JOB = "passes.update_template_passes"


async def update_template_passes(
    session: AsyncSession,
    account: Account,
    template_ref: Ref,
    body: PassBody,
    images: ImageSource,
    *,
    status: InstallStatus | None = None,
) -> Ticket:
    """Check the change against the template, then queue it for every pass (of ``status``, if given).

    The ticket counts the passes changed; a crash resumes at the next batch without skipping any.
    """
    template = await template_service.get(session, account, template_ref)
    changed = values.changes(body)
    values.check(template, await template_service.project_of(session, template), changed)
    digests = {
        name: await images.digest_of(session, url, field=f"fields.{name}.value")
        for name, url in values.image_urls(changed).items()
    }
    total = await repository.count_of_template(session, template.id, status)
    ticket = await ticket_service.open_ticket(session, account, JOB, total=total)
    payload = {
        "template_id": template.id,
        "ticket_id": ticket.id,
        "changes": changed,
        "images": digests,
        "status": status.value if status else None,
        "after_id": 0,
    }
    await enqueue(session, JOB, payload)
    return ticket


@job(JOB)
async def run_batch(session: AsyncSession, payload: dict[str, Any], _context: JobContext) -> None:
    """Apply the change to the next batch of passes and queue the batch after it."""
    status = InstallStatus(payload["status"]) if payload["status"] else None
    batch = await repository.batch_of_template(
        session, payload["template_id"], after_id=payload["after_id"], status=status, limit=BATCH
    )
    now = utcnow()
    for pass_ in batch:
        pass_.values = values.merged_changes(pass_.values, payload["changes"])
        pass_.image_digests = {**pass_.image_digests, **payload["images"]}
        pass_.updated_at = now
    changes.mark_passes(session, [pass_.id for pass_ in batch])
    ticket = await ticket_service.by_id(session, payload["ticket_id"])
    ticket.done += len(batch)
    if len(batch) == BATCH:
        await enqueue(session, JOB, payload | {"after_id": batch[-1].id})
        await ticket_service.running(session, ticket)
    else:
        await ticket_service.complete(session, ticket, done=ticket.done)
