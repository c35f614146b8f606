"""Which pushes a change needs, queued in the change's own transaction (a subscriber of the change clock).

Passes no device holds need no push: a ticket counts them done at once. The passes a device holds go
to ``pushes.send`` jobs of ``BATCH`` passes each, so many workers push one large change in parallel.
A change to a whole template is planned by a job of its own (``pushes.plan_template``), which finds
the held passes after the change commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.jobs.queue import new_job
from passmint.passes.changes import Change
from passmint.pushes import repository
from passmint.tickets import repository as ticket_repository

BATCH = 1000
SEND, PLAN_TEMPLATE = "pushes.send", "pushes.plan_template"


async def after_change(session: AsyncSession, change: Change) -> None:
    """Queue the pushes for these changed passes (each with the ticket counting it) and templates."""
    passes = change.passes
    for template_id in sorted(change.templates):
        if await session.scalar(repository.template_is_registered(template_id)):
            session.add(new_job(PLAN_TEMPLATE, {"template_id": template_id}))
    if not passes:
        return
    held = set(await session.scalars(repository.registered_passes(list(passes))))
    by_ticket: dict[int | None, list[int]] = {}
    for pass_id, ticket_id in passes.items():
        by_ticket.setdefault(ticket_id, []).append(pass_id)
    for ticket_id, pass_ids in by_ticket.items():
        to_push = [pass_id for pass_id in pass_ids if pass_id in held]
        if ticket_id is not None and len(to_push) < len(pass_ids):
            await session.execute(ticket_repository.advance(ticket_id, len(pass_ids) - len(to_push)))
        for batch in batches(to_push):
            session.add(new_job(SEND, send_payload(batch, ticket_id)))


def send_payload(pass_ids: Sequence[int], ticket_id: int | None = None) -> dict[str, object]:
    """A push job's payload; ``push_id`` names its pushes, so a push sent again (a crash, a retry)
    carries the same ``apns-id`` (see ``tasks.apns_id``)."""
    return {"passes": list(pass_ids), "ticket_id": ticket_id, "push_id": str(uuid.uuid4())}


def batches(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]
