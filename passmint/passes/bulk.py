"""Changing many passes at once: checked in the request, applied by jobs in batches, counted by a ticket.

The passes are those an audience selects when the change starts (ids up to the highest one then), in
id order, ``BATCH`` at a time; each batch queues the next, so a crash resumes at the batch it stopped
in (the job is ``passes.tasks.ApplyChange``). Each batch marks its passes with the ticket, which counts
a pass done once the phones holding it have been pushed (see pushes/planning.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint import audiences
from passmint.audiences import Audience
from passmint.images.sources import ImageSource
from passmint.jobs.queue import enqueue
from passmint.kit.refs import Ref
from passmint.models import Account, Ticket
from passmint.passes import repository, values
from passmint.passes.schemas import InstallStatus, PassBody
from passmint.passes.tasks import ApplyChange
from passmint.templates import service as template_service
from passmint.tickets import service as ticket_service

JOB = ApplyChange.kind


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
    payload = ApplyChange(
        account_id=account.id,
        project_id=project_id,
        audience=audience.as_json(),
        status=status,
        change=change,
        ticket_id=ticket.id,
        after_id=0,
        last_id=last_id,
        changed=0,
    )
    await enqueue(session, payload)
    return ticket
