"""Routes of the notify endpoints (a pass, a pass by external id, a tag, a template): wiring only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import AfterValidator

from passmint.deps import AccountDep, SessionDep
from passmint.kit.refs import PassLocator, Ref, checked_ref
from passmint.notifications import service as notification_service
from passmint.notifications.schemas import NotificationBody
from passmint.passes.schemas import TicketRef
from passmint.routing import At, ProjectRef, TemplateRef, at_every_address

router = APIRouter(tags=["Notifications"])
TagPath = Annotated[str, Path(min_length=1, max_length=255, description="The tag's name (or id).")]
TemplateQuery = Annotated[
    str,
    AfterValidator(checked_ref),
    Query(
        alias="templateId",
        pattern=r"^([0-9]+|id/.+)$",
        description="The template whose passes with the tag are notified: its id, or `id/{externalId}`.",
    ),
]
OptionalTemplateQuery = Annotated[
    str | None,
    AfterValidator(lambda value: value if value is None else checked_ref(value)),
    Query(
        alias="templateId",
        pattern=r"^([0-9]+|id/.+)$",
        description="Only this template's passes of the segment: its id, or `id/{externalId}`.",
    ),
]
SegmentId = Annotated[str, Path(alias="segmentId", max_length=64, description="The segment's id (a UUID).")]
TAG = "/tag/{tag}/notify"
SEGMENT = "/segments/{projectId:ref}/{segmentId}/notify"
TEMPLATE = "/template/{templateId:ref}/notify"


@at_every_address(
    router, "POST", "/notify", At("Notify pass"), At("Notify pass by external ID"), response_model=TicketRef
)
async def notify_pass(
    locator: PassLocator, body: NotificationBody, account: AccountDep, session: SessionDep
) -> TicketRef:
    ticket = await notification_service.notify_pass(session, account, locator, body.stored())
    return TicketRef(ticket_id=ticket.id)


@at_every_address(
    router,
    "DELETE",
    "/notify",
    At("Delete pass notification"),
    At("Delete pass notification by external ID", name="delete_pass_in_template_notification"),
    response_model=TicketRef,
)
async def delete_pass_notification(
    locator: PassLocator, account: AccountDep, session: SessionDep
) -> TicketRef:
    ticket = await notification_service.notify_pass(session, account, locator, None)
    return TicketRef(ticket_id=ticket.id)


@router.post(TAG, response_model=TicketRef, summary="Notify passes with tag")
async def notify_tag(
    tag: TagPath, template_id: TemplateQuery, body: NotificationBody, account: AccountDep, session: SessionDep
) -> TicketRef:
    template = Ref.parse(template_id)
    ticket = await notification_service.notify_tag(session, account, tag, template, body.stored())
    return TicketRef(ticket_id=ticket.id)


@router.delete(TAG, response_model=TicketRef, summary="Delete notification of passes with tag")
async def delete_tag_notification(
    tag: TagPath, template_id: TemplateQuery, account: AccountDep, session: SessionDep
) -> TicketRef:
    ticket = await notification_service.notify_tag(session, account, tag, Ref.parse(template_id), None)
    return TicketRef(ticket_id=ticket.id)


@router.post(TEMPLATE, response_model=TicketRef, summary="Notify passes of template")
async def notify_template(
    template: TemplateRef, body: NotificationBody, account: AccountDep, session: SessionDep
) -> TicketRef:
    ticket = await notification_service.notify_template(session, account, template, body.stored())
    return TicketRef(ticket_id=ticket.id)


@router.delete(TEMPLATE, response_model=TicketRef, summary="Delete notification of template's passes")
async def delete_template_notification(
    template: TemplateRef, account: AccountDep, session: SessionDep
) -> TicketRef:
    ticket = await notification_service.notify_template(session, account, template, None)
    return TicketRef(ticket_id=ticket.id)


@router.post(SEGMENT, response_model=TicketRef, summary="Send notification by segment")
async def notify_segment(
    project: ProjectRef,
    segment_id: SegmentId,
    template_id: TemplateQuery,
    body: NotificationBody,
    account: AccountDep,
    session: SessionDep,
) -> TicketRef:
    template = Ref.parse(template_id)
    ticket = await notification_service.notify_segment(
        session, account, project, segment_id, template, body.stored()
    )
    return TicketRef(ticket_id=ticket.id)


@router.delete(SEGMENT, response_model=TicketRef, summary="Delete notification by segment")
async def delete_segment_notification(
    project: ProjectRef,
    segment_id: SegmentId,
    account: AccountDep,
    session: SessionDep,
    template_id: OptionalTemplateQuery = None,
) -> TicketRef:
    template = None if template_id is None else Ref.parse(template_id)
    ticket = await notification_service.notify_segment(session, account, project, segment_id, template, None)
    return TicketRef(ticket_id=ticket.id)
