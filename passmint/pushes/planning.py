"""Which pushes a change needs, queued in the change's own transaction (a subscriber of the change clock).

Passes no device holds need no push: a ticket counts them done at once. The passes a device holds go
to ``pushes.send`` jobs of ``tasks.BATCH`` passes each, so many workers push one large change in parallel.
A change to a whole template is planned by a job of its own (``pushes.plan_template``), which finds
the held passes after the change commits.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.changes import Change
from passmint.designs import Vendor
from passmint.jobs.queue import enqueue
from passmint.pushes import repository
from passmint.pushes.tasks import PlanTemplate, Send, batches
from passmint.tickets import repository as ticket_repository

SEND, PLAN_TEMPLATE = Send.kind, PlanTemplate.kind


async def after_change(session: AsyncSession, change: Change) -> None:
    """Queue the pushes for these changed passes (each with the ticket counting it) and templates."""
    passes, held = change.to_deliver, set[int]()
    if passes:  # Google passes are googleapi.planning's (they have no devices to push)
        candidates = [pass_id for pass_id in passes if change.vendors.get(pass_id) != Vendor.GOOGLE]
        pushable = await repository.pushable_passes(session, candidates) if candidates else {}
        passes = {pass_id: ticket_id for pass_id, ticket_id in passes.items() if pass_id in pushable}
        held = {pass_id for pass_id, is_held in pushable.items() if is_held}
    for template_id in sorted(change.templates):
        if await session.scalar(repository.template_is_registered(template_id)):
            await enqueue(session, PlanTemplate(template_id=template_id))
    if not passes:
        return
    by_ticket: dict[int | None, list[int]] = {}
    for pass_id, ticket_id in passes.items():
        by_ticket.setdefault(ticket_id, []).append(pass_id)
    for ticket_id, pass_ids in by_ticket.items():
        to_push = [pass_id for pass_id in pass_ids if pass_id in held]
        if ticket_id is not None and len(to_push) < len(pass_ids):
            await ticket_repository.advance(session, ticket_id, len(pass_ids) - len(to_push))
        for batch in batches(to_push):
            await enqueue(session, Send.of_passes(batch, ticket_id))
