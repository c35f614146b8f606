"""Routes of statistics and activity (``/stats``, ``/activity``): wiring only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from passmint.deps import AccountDep, SessionDep
from passmint.routing import PassRef, ProjectRef, TemplateRef
from passmint.stats import service
from passmint.stats.schemas import Activity, PassStats, ProjectStats, TagStats, TemplateStats

router = APIRouter(tags=["Statistics"])
StartDate = Annotated[str, Path(alias="startDate", max_length=10, description="YYYY-MM-DD (UTC)")]
EndDate = Annotated[str, Path(alias="endDate", max_length=10, description="YYYY-MM-DD (UTC), included")]


@router.get("/project/{projectId:ref}/stats", response_model=ProjectStats, summary="Project statistics")
async def project_stats(project: ProjectRef, account: AccountDep, session: SessionDep) -> ProjectStats:
    return await service.project_stats(session, account, project)


@router.get("/project/{projectId:ref}/activity", response_model=Activity, summary="Project activity")
async def project_activity(project: ProjectRef, account: AccountDep, session: SessionDep) -> Activity:
    return await service.project_activity(session, account, project)


@router.get(
    "/project/{projectId:ref}/activity/{startDate}/{endDate}",
    response_model=Activity,
    summary="Project activity between two dates",
)
async def project_activity_between(
    project: ProjectRef, start: StartDate, end: EndDate, account: AccountDep, session: SessionDep
) -> Activity:
    return await service.project_activity(session, account, project, start, end)


@router.get("/template/{templateId:ref}/stats", response_model=TemplateStats, summary="Template statistics")
async def template_stats(template: TemplateRef, account: AccountDep, session: SessionDep) -> TemplateStats:
    return await service.template_stats(session, account, template)


@router.get("/template/{templateId:ref}/activity", response_model=Activity, summary="Template activity")
async def template_activity(template: TemplateRef, account: AccountDep, session: SessionDep) -> Activity:
    return await service.template_activity(session, account, template)


@router.get(
    "/template/{templateId:ref}/activity/{startDate}/{endDate}",
    response_model=Activity,
    summary="Template activity between two dates",
)
async def template_activity_between(
    template: TemplateRef, start: StartDate, end: EndDate, account: AccountDep, session: SessionDep
) -> Activity:
    return await service.template_activity(session, account, template, start, end)


@router.get(
    "/pass/{passId:ref}/stats",
    response_model=PassStats,
    summary="Pass statistics (by id, or of every pass with an external id)",
)
async def pass_stats(passes: PassRef, account: AccountDep, session: SessionDep) -> PassStats:
    return await service.pass_stats(session, account, passes)


@router.get("/tag/{tag}/stats", response_model=TagStats, summary="Tag statistics")
async def tag_stats(
    tag: Annotated[str, Path(max_length=255)], account: AccountDep, session: SessionDep
) -> TagStats:
    return await service.tag_stats(session, account, tag)
