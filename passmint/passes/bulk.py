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
from passmint.designs import IMAGE_HEADERS
from passmint.images.sources import ImageSource
from passmint.jobs.queue import enqueue
from passmint.kit.refs import Ref
from passmint.models import Account, Template, Ticket
from passmint.passes import repository, values
from passmint.passes.errors import PassInvalid
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


async def update_audience_passes(
    session: AsyncSession,
    account: Account,
    audience: Audience,
    body: PassBody,
    images: ImageSource,
    *,
    project_id: int | None,
    operation: str,
    template: Template | None = None,
) -> Ticket:
    """Check the change, then start it on the passes ``audience`` selects (only ``template``'s, when
    given). It is checked against ``template``, or else against each template of the account (of
    ``project_id``): a field only some of them have is theirs to check; a field none has is refused.
    No pass is read before the answer: the first job counts the audience (``defer_count``), so the
    answer takes as long for a million passes as for one."""
    audience = await audiences.resolve(session, audience, account_id=account.id, project_id=project_id)
    if template is not None:
        audience = audiences.AllOf((audience, audiences.of_template(template.id)))
        targets = [template]
    else:
        targets = list(await repository.templates_of(session, account.id, project_id))
    changed = await _checked(session, targets, body, exact=template is not None)
    urls = {name: (url, f"fields.{name}.value") for name, url in values.image_urls(changed).items()}
    digests = await (await images.fetch(urls)).store(session)  # fetched before the first write
    ticket = await ticket_service.open_ticket(session, account, operation)
    return await start(
        session,
        account,
        ticket,
        audience=audience,
        project_id=project_id,
        change=changed | {"images": digests},
        defer_count=True,
    )


async def _checked(
    session: AsyncSession, targets: list[Template], body: PassBody, *, exact: bool
) -> dict[str, Any]:
    """The change as stored, checked against each target template (see ``update_audience_passes``)."""
    changed = values.changes(body)
    if exact or len(targets) == 1:
        for template in targets:
            project = await template_service.project_of(session, template)
            changed = values.check(template, project, changed, body)
        return changed
    problems: list[dict[str, Any]] = []
    known: set[str] = set()
    for template in targets:
        known |= set(template.design.get("fields", {})) | set(template.design.get("headers", {}))
        try:
            values.check(template, await template_service.project_of(session, template), changed, body)
        except PassInvalid as error:
            problems += [d for d in error.details if _concerns(template, d["field"])]
    if targets:
        problems += [
            {"field": f"fields.{name}", "location": "body", "message": "no template of these passes has it"}
            for name in body.fields
            if name not in known and name not in IMAGE_HEADERS
        ]
    if problems:
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in problems)
        raise PassInvalid(f"The change is not valid. {summary}", details=problems)
    return changed


def _concerns(template: Template, field: str) -> bool:
    """Whether a problem at ``field`` is the template's: a header's, or one of the template's fields'."""
    name = field.removeprefix("fields.").split(".", 1)[0]
    return not field.startswith("fields.") or name in template.design.get("fields", {})


async def start(
    session: AsyncSession,
    account: Account,
    ticket: Ticket,
    *,
    audience: Audience,
    project_id: int | None,
    change: dict[str, Any],
    status: InstallStatus | None = None,
    defer_count: bool = False,
) -> Ticket:
    """Queue ``change`` (see ``values.apply_change``; ``images`` maps image names to stored digests)
    for every pass of the account (in ``project_id``, of ``status``) that ``audience`` selects now (its
    segments resolved now: the jobs select by the criteria they had when the change started). With
    ``defer_count`` the first job counts the passes (and sets the ticket's total) instead of the caller."""
    audience = await audiences.resolve(session, audience, account_id=account.id, project_id=project_id)
    total, last_id = 0, 0
    if not defer_count:
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
        counted=not defer_count,
    )
    await enqueue(session, payload)
    return ticket
