"""Routes of the Segments API (``/v1/segments/{projectId}/...``): wiring only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from passmint.deps import AccountDep, ImageSourceDep, SessionDep
from passmint.kit.refs import Ref
from passmint.models import Segment
from passmint.passes.schemas import FieldsChange, RefText, TicketRef
from passmint.routing import ProjectRef
from passmint.segments import service as segment_service
from passmint.segments.schemas import SegmentBody, SegmentList, SegmentRead, SegmentSaved, SegmentSummary

router = APIRouter(prefix="/segments", tags=["Segments"])
SegmentId = Annotated[str, Path(alias="segmentId", max_length=64, description="The segment's id (a UUID).")]
TemplateQuery = Annotated[
    RefText | None,
    Query(
        alias="templateId",
        pattern=r"^([0-9]+|id/.+)$",
        description="Only this template's passes (a template of the project): its id, or `id/{externalId}`.",
    ),
]
ALL = "/{projectId:ref}"
ONE = "/{projectId:ref}/{segmentId}"


@router.get(ALL, response_model=SegmentList, summary="List segments")
async def list_segments(project: ProjectRef, account: AccountDep, session: SessionDep) -> SegmentList:
    rows = await segment_service.list_segments(session, account, project)
    return SegmentList(segments=[summary(row) for row in rows])


def summary(row: Segment) -> SegmentSummary:
    return SegmentSummary(
        id=row.id,
        display_name=row.display_name,
        creation_date=row.created_at,
        modification_date=row.updated_at,
    )


@router.post(ALL, response_model=SegmentSaved, summary="Create segment")
async def create_segment(
    project: ProjectRef, body: SegmentBody, account: AccountDep, session: SessionDep
) -> SegmentSaved:
    segment = await segment_service.create(session, account, project, body)
    return SegmentSaved(segment_id=segment.id)


@router.get(ONE, response_model=SegmentRead, summary="Look up segment")
async def get_segment(
    project: ProjectRef, segment_id: SegmentId, account: AccountDep, session: SessionDep
) -> SegmentRead:
    segment = await segment_service.get(session, account, project, segment_id)
    return SegmentRead(criteria=segment.criteria, display_name=segment.display_name)


@router.put(ONE, response_model=SegmentSaved, summary="Update segment")
async def update_segment(
    project: ProjectRef, segment_id: SegmentId, body: SegmentBody, account: AccountDep, session: SessionDep
) -> SegmentSaved:
    segment = await segment_service.update(session, account, project, segment_id, body)
    return SegmentSaved(segment_id=segment.id)


@router.delete(ONE, status_code=204, summary="Delete segment")
async def delete_segment(
    project: ProjectRef, segment_id: SegmentId, account: AccountDep, session: SessionDep
) -> None:
    await segment_service.delete(session, account, project, segment_id)


@router.put(ONE + "/passes", response_model=TicketRef, summary="Update passes by segment")
async def update_segment_passes(
    project: ProjectRef,
    segment_id: SegmentId,
    body: FieldsChange,
    account: AccountDep,
    session: SessionDep,
    images: ImageSourceDep,
    template_id: TemplateQuery = None,
) -> TicketRef:
    template = None if template_id is None else Ref.parse(template_id)
    ticket = await segment_service.update_passes(
        session, account, project, segment_id, template, body, images
    )
    return TicketRef(ticket_id=ticket.id)
