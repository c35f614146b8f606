"""Changing many passes at once: checked in the request, applied by jobs in batches, counted by a ticket.

The passes are those an audience selects when the change starts (ids up to the highest one then), in
id order, ``BATCH`` at a time; each batch queues the next, so a crash resumes at the batch it stopped
in. Each batch marks its passes with the ticket, which counts a pass done once the phones holding it
have been pushed (see pushes/planning.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint import audiences
from passmint.audiences import Audience
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
JOB = "passes.apply_change"


async def update_template_passes(
    session: AsyncSession,
    account: Account,
    template_ref: Ref,
    body: PassBody,
    images: ImageSource,
    *,
    status: InstallStatus | None = None,
) -> Ticket:
    """Check the change against the template, then start it on every pass (of ``status``, if given)."""
    template = await template_service.get(session, account, template_ref)
    project = await template_service.project_of(session, template)
    changed = values.check(template, project, values.changes(body), body)
    urls = {name: (url, f"fields.{name}.value") for name, url in values.image_urls(changed).items()}
    digests = await (await images.fetch(urls)).store(session)  # fetched before the first write
    ticket = await ticket_service.open_ticket(session, account, "passes.update_template_passes")
    return await start(
        session,
        account,
        ticket,
        audience=audiences.of_template(template.id),
        project_id=template.project_id,
        change=changed | {"images": digests},
        status=status,
    )


async def start(
    session: AsyncSession,
    account: Account,
    ticket: Ticket,
    *,
    audience: Audience,
    project_id: int | None,
    change: dict[str, Any],
    status: InstallStatus | None = None,
) -> Ticket:
    """Queue ``change`` (see ``values.apply_change``; ``images`` maps image names to stored digests)
    for every pass of the account (in ``project_id``, of ``status``) that ``audience`` selects now."""
    condition = audiences.where(audience, account_id=account.id, project_id=project_id)
    total, last_id = await repository.extent(session, condition, status)
    ticket.total = total
    if total == 0:
        return await ticket_service.complete(session, ticket, done=0)
    payload = {
        "account_id": account.id,
        "project_id": project_id,
        "audience": audience.as_json(),
        "status": status.value if status else None,
        "change": change,
        "ticket_id": ticket.id,
        "after_id": 0,
        "last_id": last_id,
        "changed": 0,
    }
    await enqueue(session, JOB, payload)
    return ticket


@job(JOB)
async def run_batch(session: AsyncSession, payload: dict[str, Any], _context: JobContext) -> None:
    """Apply the change to the next batch of passes and queue the batch after it."""
    condition = audiences.where(
        audiences.parse(payload["audience"]),
        account_id=payload["account_id"],
        project_id=payload["project_id"],
    )
    batch = await repository.batch_where(
        session,
        condition,
        after_id=payload["after_id"],
        last_id=payload["last_id"],
        status=InstallStatus(payload["status"]) if payload["status"] else None,
        limit=BATCH,
    )
    now, change = utcnow(), payload["change"]
    for pass_ in batch:
        pass_.values = values.apply_change(pass_.values, change)
        pass_.image_digests = {**pass_.image_digests, **change.get("images", {})}
        pass_.updated_at = now
    changes.mark_passes(session, [pass_.id for pass_ in batch], ticket_id=payload["ticket_id"])
    changed = payload["changed"] + len(batch)
    if len(batch) == BATCH:
        await enqueue(session, JOB, payload | {"after_id": batch[-1].id, "changed": changed})
    else:
        await ticket_service.settle_total(session, payload["ticket_id"], changed)
