"""Routes of ``/v1/template`` (v1 format) and ``/v1/templates`` (payload format): wiring only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from passmint.deps import AccountDep, ImageSourceDep, SessionDep, page_params
from passmint.http_errors import documented
from passmint.kit.ids import Id
from passmint.kit.pagination import PageRequest, Pagination
from passmint.kit.refs import Ref
from passmint.projects.views import template_header
from passmint.routing import ProjectRef, TemplateRef
from passmint.templates import personalization, views
from passmint.templates import service as template_service
from passmint.templates.schemas import (
    TEMPLATE_ORDERS,
    LocationRead,
    LocationsAdd,
    Personalization,
    PersonalizationRead,
    TemplateBody,
    TemplateDeleted,
    TemplateDocument,
    TemplateHeaderList,
    TemplateId,
    TemplatePatch,
    TemplateRead,
)

router = APIRouter(prefix="/template", tags=["Templates"])
documents = APIRouter(prefix="/templates", tags=["Templates"])
PageDep = Annotated[PageRequest, Depends(page_params(TEMPLATE_ORDERS))]
TemplateExternalId = Annotated[str, Path(alias="templateExternalId", max_length=255)]


@router.get("/headers", response_model=TemplateHeaderList, summary="List templates")
async def list_templates(
    account: AccountDep,
    session: SessionDep,
    page: PageDep,
    project_id: Annotated[Id | None, Query(alias="projectId", description="Only this project's.")] = None,
) -> TemplateHeaderList:
    project = None if project_id is None else Ref(id=project_id)
    rows, count = await template_service.list_headers(session, account, page, project=project)
    headers = [template_header(template, owner) for template, owner in rows]
    return TemplateHeaderList(count=count, template_headers=headers, pagination=Pagination.of(page))


@router.post("/duplicate/{templateId:ref}", response_model=TemplateId, summary="Duplicate template")
async def duplicate_template(template: TemplateRef, account: AccountDep, session: SessionDep) -> TemplateId:
    copy = await template_service.duplicate(session, account, template)
    return TemplateId(template_id=copy.id)


@router.post(
    "/project/{projectId:ref}/id/{templateExternalId}",
    response_model=TemplateId,
    summary="Create template with external ID (project by external ID)",
    responses=documented(409),
)
@router.post(
    "/{projectId:ref}/id/{templateExternalId}",
    response_model=TemplateId,
    summary="Create template with external ID",
    responses=documented(409),
)
async def create_template_with_external_id(
    project: ProjectRef,
    external_id: TemplateExternalId,
    body: TemplateBody,
    account: AccountDep,
    session: SessionDep,
    images: ImageSourceDep,
) -> TemplateId:
    template = await template_service.create(session, account, project, body, images, external_id=external_id)
    return TemplateId(template_id=template.id)


@router.post(
    "/project/{projectId:ref}", response_model=TemplateId, summary="Create template (project by external ID)"
)
@router.post("/{projectId:ref}", response_model=TemplateId, summary="Create template")
async def create_template(
    project: ProjectRef, body: TemplateBody, account: AccountDep, session: SessionDep, images: ImageSourceDep
) -> TemplateId:
    return TemplateId(template_id=(await template_service.create(session, account, project, body, images)).id)


@router.get("/{templateId:ref}", response_model=TemplateRead, summary="Get template")
async def get_template(template: TemplateRef, account: AccountDep, session: SessionDep) -> TemplateRead:
    found = await template_service.get(session, account, template)
    return views.v1(found, await template_service.project_of(session, found))


@router.put("/{templateId:ref}", response_model=TemplateId, summary="Update template")
async def update_template(
    template: TemplateRef,
    body: TemplateBody,
    account: AccountDep,
    session: SessionDep,
    images: ImageSourceDep,
) -> TemplateId:
    return TemplateId(
        template_id=(await template_service.replace(session, account, template, body, images)).id
    )


@router.delete("/{templateId:ref}", response_model=TemplateDeleted, summary="Delete template")
async def delete_template(template: TemplateRef, account: AccountDep, session: SessionDep) -> TemplateDeleted:
    return TemplateDeleted(template_id=(await template_service.delete(session, account, template)).id)


@router.post(
    "/{templateId:ref}/locations", response_model=list[LocationRead], summary="Add locations to template"
)
async def add_locations(
    template: TemplateRef, body: LocationsAdd, account: AccountDep, session: SessionDep
) -> list[LocationRead]:
    return views.location_reads(
        await template_service.add_locations(session, account, template, body.locations)
    )


@router.delete("/{templateId:ref}/location/{locationId}", summary="Remove location from template")
async def delete_location(
    template: TemplateRef,
    location_id: Annotated[Id, Path(alias="locationId")],
    account: AccountDep,
    session: SessionDep,
) -> dict[str, int]:
    await template_service.delete_location(session, account, template, location_id)
    return {"locationId": location_id}


@documents.get("/{templateId:ref}", response_model=TemplateDocument, summary="Get template (payload format)")
async def get_document(template: TemplateRef, account: AccountDep, session: SessionDep) -> TemplateDocument:
    found = await template_service.get(session, account, template)
    project = await template_service.project_of(session, found)
    return views.v2(found, project, await template_service.locations_of(session, found))


@documents.put("/{templateId:ref}", response_model=TemplateId, summary="Update template (payload format)")
async def put_document(
    template: TemplateRef,
    body: TemplateBody,
    account: AccountDep,
    session: SessionDep,
    images: ImageSourceDep,
) -> TemplateId:
    return TemplateId(
        template_id=(await template_service.replace(session, account, template, body, images)).id
    )


@documents.patch("/{templateId:ref}", response_model=TemplateDocument, summary="Patch template")
async def patch_document(
    template: TemplateRef,
    body: TemplatePatch,
    account: AccountDep,
    session: SessionDep,
    images: ImageSourceDep,
) -> TemplateDocument:
    found = await template_service.patch(session, account, template, body, images)
    project = await template_service.project_of(session, found)
    return views.v2(found, project, await template_service.locations_of(session, found))


PERSONALIZATION = "/{templateId:ref}/personalization"


@router.get(PERSONALIZATION, response_model=PersonalizationRead, summary="Get personalization requirements")
async def get_personalization(
    template: TemplateRef, account: AccountDep, session: SessionDep
) -> dict[str, Any]:
    return await personalization.get(session, account, template)


@router.post(
    PERSONALIZATION, response_model=PersonalizationRead, summary="Add personalization requirements",
    responses=documented(409),
)  # fmt: skip
async def add_personalization(
    template: TemplateRef,
    body: Personalization,
    account: AccountDep,
    session: SessionDep,
    images: ImageSourceDep,
) -> dict[str, Any]:
    return await personalization.put(session, account, template, body, images, creating=True)


@router.put(
    PERSONALIZATION, response_model=PersonalizationRead, summary="Update personalization requirements"
)
async def update_personalization(
    template: TemplateRef,
    body: Personalization,
    account: AccountDep,
    session: SessionDep,
    images: ImageSourceDep,
) -> dict[str, Any]:
    return await personalization.put(session, account, template, body, images, creating=False)


@router.delete(
    PERSONALIZATION, response_model=PersonalizationRead, summary="Remove personalization requirements"
)
async def delete_personalization(
    template: TemplateRef, account: AccountDep, session: SessionDep
) -> dict[str, Any]:
    return await personalization.delete(session, account, template)
