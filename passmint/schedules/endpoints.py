"""Routes of ``/v1/schedules``: wiring only."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from passmint.deps import AccountDep, SessionDep, SettingsDep
from passmint.http_errors import documented
from passmint.models import Schedule
from passmint.routing import ProjectRef
from passmint.schedules import service as schedule_service
from passmint.schedules.errors import ScheduleQueryInvalid
from passmint.schedules.schemas import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ScheduleBody,
    ScheduleCursor,
    ScheduleList,
    ScheduleOperation,
    ScheduleRead,
)

log = logging.getLogger(__name__)
router = APIRouter(prefix="/schedules", tags=["Schedules"])
PATH = "/{projectId:ref}"
ONE = "/{projectId:ref}/{scheduleId}"
ScheduleId = Annotated[uuid.UUID, Path(alias="scheduleId", description="The schedule's id (a UUID).")]


async def schedule_cursor(
    start: Annotated[
        uuid.UUID | None, Query(description="The id of the last schedule of the previous page.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Schedules per page.")] = DEFAULT_LIMIT,
    order: Annotated[
        str, Query(json_schema_extra={"enum": ["asc", "desc"]}, description="asc: soonest first.")
    ] = "asc",
) -> ScheduleCursor:
    if order.lower() not in ("asc", "desc"):
        raise ScheduleQueryInvalid(
            "Invalid request. order: must be asc or desc",
            details=[{"field": "order", "location": "query", "message": "must be asc or desc"}],
        )
    return ScheduleCursor(start=start, limit=limit, descending=order.lower() == "desc")


CursorDep = Annotated[ScheduleCursor, Depends(schedule_cursor)]


def operation(schedule: Schedule, base_url: str) -> ScheduleOperation:
    read = ScheduleRead.of(schedule, base_url)
    operation_id = uuid.uuid4()
    log.info("schedule %s saved (operation %s)", schedule.id, operation_id)
    return ScheduleOperation(operation_id=operation_id, schedule_urls=[read.url], schedules=[read])


@router.get(PATH, response_model=ScheduleList, summary="List schedules")
async def list_schedules(
    project: ProjectRef,
    cursor: CursorDep,
    request: Request,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
) -> ScheduleList:
    listing = await schedule_service.list_pending(session, account, project, cursor)
    next_page = None
    if listing.more:
        query = f"start={listing.schedules[-1].id}&limit={cursor.limit}&order={cursor.order}"
        next_page = f"{settings.base_url}{request.url.path}?{query}"
    return ScheduleList(
        count=len(listing.schedules),
        total_count=listing.total,
        next_page=next_page,
        schedules=[ScheduleRead.of(schedule, settings.base_url) for schedule in listing.schedules],
    )


@router.post(
    PATH,
    response_model=ScheduleOperation,
    summary="Schedule an update or a notification",
)
async def create_schedule(
    project: ProjectRef, body: ScheduleBody, account: AccountDep, session: SessionDep, settings: SettingsDep
) -> ScheduleOperation:
    return operation(await schedule_service.create(session, account, project, body), settings.base_url)


@router.get(ONE, response_model=ScheduleRead, summary="Get schedule")
async def get_schedule(
    project: ProjectRef,
    schedule_id: ScheduleId,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
) -> ScheduleRead:
    return ScheduleRead.of(
        await schedule_service.get(session, account, project, schedule_id), settings.base_url
    )


@router.put(ONE, response_model=ScheduleOperation, summary="Update schedule", responses=documented(409))
async def replace_schedule(
    project: ProjectRef,
    schedule_id: ScheduleId,
    body: ScheduleBody,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
) -> ScheduleOperation:
    schedule = await schedule_service.replace(session, account, project, schedule_id, body)
    return operation(schedule, settings.base_url)


@router.delete(ONE, status_code=204, summary="Delete schedule", responses=documented(409))
async def delete_schedule(
    project: ProjectRef, schedule_id: ScheduleId, account: AccountDep, session: SessionDep
) -> None:
    await schedule_service.delete(session, account, project, schedule_id)
