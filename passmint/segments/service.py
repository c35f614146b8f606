"""Segments: saved tag selectors of a project (criteria checked and normalised when saved), and the passes a
segment selects changed together through the bulk change (a ticket counts it)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from passmint import audiences
from passmint.audiences.errors import AudienceInvalid, SegmentNotFound
from passmint.images.sources import ImageSource
from passmint.kit.refs import Ref
from passmint.kit.time import utcnow
from passmint.models import Account, Project, Segment, Template, Ticket
from passmint.passes import bulk
from passmint.passes.schemas import FieldsChange
from passmint.projects import service as project_service
from passmint.segments import repository
from passmint.segments.schemas import SegmentBody
from passmint.templates import service as template_service
from passmint.templates.errors import TemplateNotFound

UPDATE_OPERATION = "segments.update_passes"


async def list_segments(session: AsyncSession, account: Account, project_ref: Ref) -> Sequence[Segment]:
    project = await project_service.get(session, account, project_ref)
    return await repository.of_project(session, project.id)


async def get(session: AsyncSession, account: Account, project_ref: Ref, segment_id: str) -> Segment:
    project = await project_service.get(session, account, project_ref)
    return await _segment(session, project, segment_id)


async def create(session: AsyncSession, account: Account, project_ref: Ref, body: SegmentBody) -> Segment:
    """A new segment; ``criteria`` is required, ``display_name`` optional."""
    project = await project_service.get(session, account, project_ref)
    if body.criteria is None:
        raise _invalid("criteria", 'is required: a tag selector such as {"tag": "vip"}')
    segment = Segment(
        project_id=project.id, display_name=body.display_name, criteria=_criteria(body.criteria)
    )
    return await repository.add(session, segment)


async def update(
    session: AsyncSession, account: Account, project_ref: Ref, segment_id: str, body: SegmentBody
) -> Segment:
    """Change the criteria and/or the name; what the body leaves out stays as it was."""
    project = await project_service.get(session, account, project_ref)
    segment = await _segment(session, project, segment_id)
    sent = body.model_fields_set
    if "criteria" in sent:
        if body.criteria is None:
            raise _invalid("criteria", "cannot be null: a segment always has criteria")
        segment.criteria = _criteria(body.criteria)
    if "display_name" in sent:
        segment.display_name = body.display_name
    segment.updated_at = utcnow()
    return segment


async def delete(session: AsyncSession, account: Account, project_ref: Ref, segment_id: str) -> None:
    """Delete the segment's criteria; its passes are not changed."""
    project = await project_service.get(session, account, project_ref)
    await repository.remove(session, await _segment(session, project, segment_id))


async def update_passes(
    session: AsyncSession,
    account: Account,
    project_ref: Ref,
    segment_id: str,
    template_ref: Ref | None,
    body: FieldsChange,
    images: ImageSource,
) -> Ticket:
    """Change the passes the segment selects in the project (only ``template_ref``'s, when given)."""
    project = await project_service.get(session, account, project_ref)
    segment = await _segment(session, project, segment_id)
    template = None if template_ref is None else await template_in(session, account, project, template_ref)
    audience = audiences.Segments((str(segment.id),))
    return await bulk.update_audience_passes(
        session, account, audience, body.as_body(), images,
        project_id=project.id, operation=UPDATE_OPERATION, template=template,
    )  # fmt: skip


async def template_in(session: AsyncSession, account: Account, project: Project, ref: Ref) -> Template:
    """The account's template ``ref``, which must be one of ``project``'s (else 404)."""
    template = await template_service.get(session, account, ref)
    if template.project_id != project.id:
        raise TemplateNotFound(f"Template {ref} was not found in project {project.id}")
    return template


async def _segment(session: AsyncSession, project: Project, segment_id: str) -> Segment:
    try:
        found = await repository.get(session, project.id, uuid.UUID(segment_id))
    except ValueError:
        found = None
    if found is None:
        raise SegmentNotFound(f"Segment {segment_id} was not found in project {project.id}")
    return found


def _criteria(value: object) -> dict[str, object]:
    criteria = audiences.criteria_json(audiences.parse_criteria(value, field="criteria"))
    assert isinstance(criteria, dict)
    return criteria


def _invalid(field: str, message: str) -> AudienceInvalid:
    return AudienceInvalid(
        f"Invalid request. {field}: {message}",
        details=[{"field": field, "location": "body", "message": message}],
    )
