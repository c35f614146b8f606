"""Notify: put a message on the back of every pass of an audience (or take it off), through bulk jobs.

The message is stored as the pass's ``values["notification"]`` and rendered as the first back field with
changeMessage ``%@`` (see ``apple.render_fields.with_notification``), so Wallet shows it on the lock
screen when the pass updates with a message different from the one before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.audiences import AllOf, Audience, Segments, of_pass, of_tag, of_template, resolve, where
from passmint.audiences import repository as audience_repository
from passmint.kit.ids import is_ascii_digits
from passmint.kit.refs import PassLocator, Ref
from passmint.models import Account, Template, Ticket
from passmint.notifications import repository
from passmint.notifications.errors import TagNotFound
from passmint.passes import bulk
from passmint.passes import service as pass_service
from passmint.projects import service as project_service
from passmint.templates import service as template_service
from passmint.templates.errors import TemplateNotFound
from passmint.tickets import service as ticket_service

OPERATION = "notify"
MAX_TAG_ID_DIGITS = 18
"""A tag named by a longer string of digits is never read as a tag id (it would not fit one)."""


async def notify_pass(
    session: AsyncSession, account: Account, locator: PassLocator, notification: dict[str, Any] | None
) -> Ticket:
    """Set (or, with None, remove) the notification of one pass."""
    pass_ = await pass_service.get(session, account, locator)
    return await _start(session, account, of_pass(pass_.id), notification)


async def notify_template(
    session: AsyncSession, account: Account, template_ref: Ref, notification: dict[str, Any] | None
) -> Ticket:
    """Set (or remove) the notification of every pass of a template."""
    template = await template_service.get(session, account, template_ref)
    return await _start(session, account, of_template(template.id), notification)


async def notify_tag(
    session: AsyncSession,
    account: Account,
    tag: str,
    template_ref: Ref,
    notification: dict[str, Any] | None,
) -> Ticket:
    """Set (or remove) the notification of the template's passes that carry ``tag`` (a tag name, or the
    id of one when no pass carries a tag of that name); 404 when none of them does."""
    template = await template_service.get(session, account, template_ref)
    audience = await _tag_audience(session, account, tag, template)
    if audience is None:
        raise TagNotFound(f"No pass of template {template_ref} carries tag '{tag}'")
    return await _start(session, account, audience, notification)


async def notify_segment(
    session: AsyncSession,
    account: Account,
    project_ref: Ref,
    segment_id: str,
    template_ref: Ref | None,
    notification: dict[str, Any] | None,
) -> Ticket:
    """Set (or remove) the notification of the passes the project's segment selects (only the template's,
    when one is named: a template of another project is a 404); an unknown segment is a 404."""
    project = await project_service.get(session, account, project_ref)
    audience: Audience = Segments((segment_id,))
    audience = await resolve(session, audience, account_id=account.id, project_id=project.id)
    if template_ref is not None:
        template = await template_service.get(session, account, template_ref)
        if template.project_id != project.id:
            raise TemplateNotFound(f"Template {template_ref} was not found in project {project.id}")
        audience = AllOf((audience, of_template(template.id)))
    ticket = await ticket_service.open_ticket(session, account, OPERATION)
    change = {"notification": notification}
    return await bulk.start(session, account, ticket, audience=audience, project_id=project.id, change=change)


async def _tag_audience(
    session: AsyncSession, account: Account, tag: str, template: Template
) -> Audience | None:
    names = [tag]
    if is_ascii_digits(tag) and len(tag) <= MAX_TAG_ID_DIGITS:
        named = await repository.tag_name(session, account.id, int(tag))
        names += [named] if named is not None and named != tag else []
    for name in names:
        audience = of_tag(name, template.id)
        if await audience_repository.exists(session, where(audience, account_id=account.id, project_id=None)):
            return audience
    return None


async def _start(
    session: AsyncSession, account: Account, audience: Audience, notification: dict[str, Any] | None
) -> Ticket:
    ticket = await ticket_service.open_ticket(session, account, OPERATION)
    return await bulk.start(
        session, account, ticket, audience=audience, project_id=None, change={"notification": notification}
    )
