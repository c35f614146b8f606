"""Routes of ``/v1/project``: wiring only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from passmint.deps import AccountDep, SessionDep, page_params
from passmint.http_errors import documented
from passmint.kit.pagination import PageRequest, Pagination
from passmint.projects import service as project_service
from passmint.projects.schemas import PROJECT_ORDERS, ProjectCreate, ProjectList, ProjectRead, ProjectUpdate
from passmint.projects.views import read
from passmint.routing import ProjectRef

router = APIRouter(prefix="/project", tags=["Projects"])
PageDep = Annotated[PageRequest, Depends(page_params(PROJECT_ORDERS))]
ExternalId = Annotated[str, Path(alias="externalId", max_length=255, description="Your id for the project.")]


@router.get("", response_model=ProjectList, summary="List projects")
async def list_projects(account: AccountDep, session: SessionDep, page: PageDep) -> ProjectList:
    views, count = await project_service.list_projects(session, account, page)
    return ProjectList(projects=[read(view) for view in views], count=count, pagination=Pagination.of(page))


@router.post("", response_model=ProjectRead, summary="Create project")
async def create_project(body: ProjectCreate, account: AccountDep, session: SessionDep) -> ProjectRead:
    return read(await project_service.create(session, account, body))


@router.post(
    "/id/{externalId}",
    response_model=ProjectRead,
    summary="Create project with external ID",
    responses=documented(409),
)
async def create_project_with_external_id(
    external_id: ExternalId, body: ProjectCreate, account: AccountDep, session: SessionDep
) -> ProjectRead:
    return read(await project_service.create(session, account, body, external_id=external_id))


@router.post("/duplicate/{projectId:ref}", response_model=ProjectRead, summary="Duplicate project")
async def duplicate_project(project: ProjectRef, account: AccountDep, session: SessionDep) -> ProjectRead:
    return read(await project_service.duplicate(session, account, project))


@router.get("/{projectId:ref}", response_model=ProjectRead, summary="Get project")
async def get_project(project: ProjectRef, account: AccountDep, session: SessionDep) -> ProjectRead:
    return read(await project_service.view(session, account, project))


@router.put("/{projectId:ref}", response_model=ProjectRead, summary="Update project")
async def update_project(
    project: ProjectRef, body: ProjectUpdate, account: AccountDep, session: SessionDep
) -> ProjectRead:
    return read(await project_service.update(session, account, project, body))
