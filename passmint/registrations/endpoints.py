"""Routes of the ``/v2`` registrations API: wiring only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from passmint.deps import AccountDep, SessionDep, SettingsDep
from passmint.http_errors import documented
from passmint.kit.ids import Id
from passmint.kit.pagination import PageRequest
from passmint.models import Registration
from passmint.registrations import service as registration_service
from passmint.registrations.schemas import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    CampaignType,
    LogList,
    LogRead,
    RegistrationFilter,
    RegistrationRead,
)
from passmint.routing import PassAt, ProjectRef, next_page_url

router = APIRouter(prefix="/v2", tags=["Registrations"], responses=documented(400, 401, 404))
logs = APIRouter(prefix="/pass", tags=["Registrations"])
From = Annotated[date | None, Query(alias="from", description="Registered on or after this day (UTC).")]
To = Annotated[date | None, Query(alias="to", description="Registered on or before this day (UTC).")]
ShowEnded = Annotated[bool, Query(alias="showEnded", description="Include registrations that ended.")]
Page = Annotated[Id, Query()]
PerPage = Annotated[int, Query(alias="perPage", ge=1, le=MAX_PER_PAGE)]
RESPONSE = {"model": list[RegistrationRead], "description": "Total in X-Total-Count, next page in Link."}


async def registration_filter(
    start: From = None,
    end: To = None,
    show_ended: ShowEnded = False,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> RegistrationFilter:
    return RegistrationFilter(start=start, end=end, show_ended=show_ended, page=page, per_page=per_page)


FilterDep = Annotated[RegistrationFilter, Depends(registration_filter)]


@router.get(
    "/{campaign_type}/{projectId:ref}/registrations",
    responses={200: RESPONSE},
    summary="Registrations of a campaign",
)
async def campaign_registrations(
    campaign_type: CampaignType,
    project: ProjectRef,
    query: FilterDep,
    request: Request,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
) -> JSONResponse:
    rows, total = await registration_service.listing(session, account, campaign_type, project, query)
    return listed(request, settings.base_url, rows, total, query)


@router.get(
    "/{campaign_type}/{projectId:ref}/passes/{pass_id}/registrations",
    responses={200: RESPONSE},
    summary="Registrations of a pass",
)
async def pass_registrations(
    campaign_type: CampaignType,
    project: ProjectRef,
    pass_id: Id,
    query: FilterDep,
    request: Request,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
) -> JSONResponse:
    rows, total = await registration_service.listing(
        session, account, campaign_type, project, query, pass_id=pass_id
    )
    return listed(request, settings.base_url, rows, total, query)


def listed(
    request: Request, base_url: str, rows: Sequence[Registration], total: int, query: RegistrationFilter
) -> JSONResponse:
    """The bare JSON array the API answers, with ``X-Total-Count`` and a ``Link`` to the next page."""
    body = [RegistrationRead.model_validate(row).model_dump(mode="json") for row in rows]
    headers = {"X-Total-Count": str(total)}
    if (
        next_page := next_page_url(
            request, base_url, PageRequest(page=query.page, page_size=query.per_page), total
        )
    ) is not None:
        headers["Link"] = f'<{next_page}>; rel="next"'
    return JSONResponse(body, headers=headers)


@logs.get("/{passId:ref}/logs", response_model=LogList, summary="Log lines wallet apps sent about a pass")
async def pass_logs(locator: PassAt, account: AccountDep, session: SessionDep) -> LogList:
    rows = await registration_service.logs(session, account, locator)
    return LogList(logs=[LogRead(message=row.message, created_at=row.created_at) for row in rows])
