"""Which Google calls a change needs, queued in the change's own transaction (a subscriber of the change
clock, like the Apple pushes' planning).

Only Google passes are this planner's: a changed template of the Google vendor gets its class updated
(``googleapi.sync_template``); changed Google passes whose objects Google knows (inserted by passmint or
saved by a holder) are sent in jobs of ``tasks.BATCH`` passes; the rest are counted done at once, since
their next save link carries their state whole. A change counted on a notify ticket is a notification.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.changes import Change
from passmint.designs import Vendor
from passmint.googleapi import repository
from passmint.googleapi.sync import Mode
from passmint.googleapi.tasks import SyncPasses, SyncTemplate, batches
from passmint.jobs.queue import enqueue
from passmint.models import Ticket
from passmint.tickets import repository as ticket_repository

NOTIFY = "notify"
"""The operation of a notify's ticket (``notifications.service.OPERATION``)."""


async def after_change(session: AsyncSession, change: Change) -> None:
    """Queue the Google calls of these changed templates and passes."""
    for template_id in sorted(change.templates):
        if await repository.is_google_template(session, template_id):
            await enqueue(session, SyncTemplate(template_id=template_id))
    passes = change.to_deliver
    if not passes:
        return
    candidates = [
        pass_id for pass_id in passes if change.vendors.get(pass_id, Vendor.GOOGLE) == Vendor.GOOGLE
    ]
    google = await repository.google_passes(session, candidates) if candidates else {}
    by_ticket: dict[int | None, list[int]] = {}
    for pass_id in google:
        by_ticket.setdefault(passes[pass_id], []).append(pass_id)
    for ticket_id, pass_ids in by_ticket.items():
        known = [pass_id for pass_id in pass_ids if google[pass_id]]
        if ticket_id is not None and len(known) < len(pass_ids):
            await ticket_repository.advance(session, ticket_id, len(pass_ids) - len(known))
        mode = await _mode(session, ticket_id)
        for batch in batches(known):
            await enqueue(session, SyncPasses.of(batch, mode, ticket_id))


async def _mode(session: AsyncSession, ticket_id: int | None) -> Mode:
    ticket = None if ticket_id is None else await session.get(Ticket, ticket_id)
    return "notify" if ticket is not None and ticket.operation == NOTIFY else "update"
