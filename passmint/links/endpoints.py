"""Routes of ``/v1/links/adaptive`` and the public ``/v1/pass/adaptive`` install links: wiring only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from passmint.deps import AccountDep, ImageSourceDep, SessionDep, SettingsDep, page_params
from passmint.http_errors import documented
from passmint.kit.pagination import MAX_PAGE_SIZE, PageRequest
from passmint.links import multiple, service, views, visits
from passmint.links.schemas import (
    LinkBody,
    LinkDeleted,
    LinkList,
    LinkPage,
    LinkPass,
    LinkPasses,
    LinkPassList,
    LinkRead,
    MultipleBody,
    MultipleLinks,
    Platform,
    TicketId,
    TicketList,
)
from passmint.passes import views as pass_views
from passmint.passes.schemas import PASS_ORDERS, InstallStatus, PassUpdate
from passmint.routing import ProjectRef, TemplateRef

router = APIRouter(prefix="/links/adaptive", tags=["Adaptive links"])
public = APIRouter(prefix="/pass/adaptive", tags=["Adaptive links"])
LinkId = Annotated[str, Path(alias="adaptiveLinkId", min_length=1, max_length=255)]
LinkExternalId = Annotated[str, Path(alias="adaptiveLinkExternalId", min_length=1, max_length=255)]
PassExternalId = Annotated[str, Path(alias="passExternalId", min_length=1, max_length=255)]
PageDep = Annotated[PageRequest, Depends(page_params(PASS_ORDERS))]
StatusQuery = Annotated[InstallStatus | None, Query(description="Install status to filter by.")]
PageSize = Annotated[int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE, description="Links per page.")]
Token = Annotated[str | None, Query(alias="nextPageToken", max_length=64, description="Continue a listing.")]
PASS_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "application/vnd.apple.pkpass": {},
            "application/vnd.apple.pkpasses": {},
            "text/html": {},
            "application/json": {},
        },
        "description": "The pass (or passes) for an iPhone; the landing page for a browser; an Android save "
        "link as JSON when JSON is asked for.",
    },
    302: {"description": "Android: the Google Wallet save link; a link with its own landingPageUrl: there."},
    304: {"description": "The landing page has not changed since the browser's copy (If-None-Match)."},
    **documented(400, 404, 410, 502),
}


async def error_pages(request: Request) -> None:
    """A browser that hits a refusal on a public link gets a page, not JSON (see ``http_errors``)."""
    request.state.error_page = True


@router.get("", response_model=LinkList, summary="List adaptive links")
async def list_links(account: AccountDep, session: SessionDep, settings: SettingsDep) -> LinkList:
    found = await service.list_all(session, account)
    return LinkList(links=[views.read(view, settings.base_url) for view in found])


@router.post("", response_model=LinkRead, summary="Create adaptive link", responses=documented(400, 404))
async def create_link(
    body: LinkBody, account: AccountDep, session: SessionDep, settings: SettingsDep, images: ImageSourceDep
) -> LinkRead:
    return views.read(await service.create(session, account, body, images), settings.base_url)


@router.post(
    "/multiple/project/{projectId:ref}",
    response_model=MultipleLinks,
    summary="Create boarding pass or event ticket adaptive links",
    responses=documented(400, 404, 409),
)
async def create_multiple_links(
    project: ProjectRef, body: MultipleBody, account: AccountDep, session: SessionDep, settings: SettingsDep,
    images: ImageSourceDep,
) -> MultipleLinks:  # fmt: skip
    return views.multiple(await multiple.create(session, account, project, body, images), settings.base_url)


@router.get("/projects/{projectId:ref}", response_model=LinkPage, summary="List Adaptive Links for a project")
async def list_project_links(
    project: ProjectRef, account: AccountDep, session: SessionDep, settings: SettingsDep,
    page_size: PageSize = 10, token: Token = None,
) -> LinkPage:  # fmt: skip
    found = await service.list_in_project(session, account, project, page_size, token)
    return views.page(found.views, found.next_token, settings.base_url)


@router.get(
    "/projects/{projectId:ref}/templates/{templateId:ref}",
    response_model=LinkPage,
    summary="List Adaptive Links for a template",
)
async def list_template_links(
    project: ProjectRef, template: TemplateRef, account: AccountDep, session: SessionDep,
    settings: SettingsDep, page_size: PageSize = 10, token: Token = None,
) -> LinkPage:  # fmt: skip
    found = await service.list_in_project(session, account, project, page_size, token, template_ref=template)
    return views.page(found.views, found.next_token, settings.base_url)


@router.get(
    "/project/{projectId:ref}/id/{adaptiveLinkExternalId}",
    response_model=LinkRead,
    summary="Get Adaptive Link from project",
)
async def get_project_link(
    project: ProjectRef, link: LinkExternalId, account: AccountDep, session: SessionDep, settings: SettingsDep
) -> LinkRead:
    found = await service.get(session, account, link, project_ref=project)
    return views.read(await service.view(session, found), settings.base_url)


@router.post(
    "/project/{projectId:ref}/id/{adaptiveLinkExternalId}",
    response_model=LinkRead,
    summary="Create Adaptive Link in project",
    responses=documented(400, 404, 409),
)
async def create_project_link(
    project: ProjectRef, link: LinkExternalId, body: LinkBody, account: AccountDep, session: SessionDep,
    settings: SettingsDep, images: ImageSourceDep,
) -> LinkRead:  # fmt: skip
    made = await service.create(session, account, body, images, project_ref=project, external_id=link)
    return views.read(made, settings.base_url)


@router.get(
    "/project/{projectId:ref}/id/{adaptiveLinkExternalId}/passes",
    response_model=LinkPassList,
    summary="List passes for an Adaptive Link for a project",
)
async def list_project_link_passes(
    project: ProjectRef, link: LinkExternalId, account: AccountDep, session: SessionDep,
    settings: SettingsDep, page: PageDep, status: StatusQuery = None,
) -> LinkPassList:  # fmt: skip
    found = await service.passes(session, account, link, page, status, project_ref=project)
    listed = pass_views.listing(found, page, settings.base_url)
    return LinkPassList(count=listed.count, passes=listed.passes, pagination=listed.pagination)


@router.get(
    "/project/{projectId:ref}/id/{adaptiveLinkExternalId}/passes/id/{passExternalId}",
    response_model=LinkPasses,
    summary="Get pass from Adaptive Link",
)
async def get_project_link_pass(
    project: ProjectRef,
    link: LinkExternalId,
    pass_id: PassExternalId,
    account: AccountDep,
    session: SessionDep,
) -> LinkPasses:
    found = await service.passes_by_external_id(session, account, link, pass_id, project_ref=project)
    return LinkPasses(passes=[LinkPass.model_validate(row) for row in found])


@router.put(
    "/project/{projectId:ref}/id/{adaptiveLinkExternalId}/passes/id/{passExternalId}",
    response_model=TicketList,
    summary="Update passes from Adaptive Link",
)
async def update_project_link_passes(
    project: ProjectRef, link: LinkExternalId, pass_id: PassExternalId, body: PassUpdate,
    account: AccountDep, session: SessionDep, images: ImageSourceDep,
) -> TicketList:  # fmt: skip
    tickets = await service.update_passes(session, account, link, pass_id, body, images, project_ref=project)
    return TicketList(tickets=[TicketId(id=ticket.id) for ticket in tickets])


@router.get("/{adaptiveLinkId}", response_model=LinkRead, summary="Get adaptive link")
async def get_link(link: LinkId, account: AccountDep, session: SessionDep, settings: SettingsDep) -> LinkRead:
    found = await service.get(session, account, link)
    return views.read(await service.view(session, found), settings.base_url)


@router.put("/{adaptiveLinkId}", response_model=LinkRead, summary="Update adaptive link")
async def update_link(
    link: LinkId, body: LinkBody, account: AccountDep, session: SessionDep, settings: SettingsDep,
    images: ImageSourceDep,
) -> LinkRead:  # fmt: skip
    return views.read(await service.update(session, account, link, body, images), settings.base_url)


@router.delete("/{adaptiveLinkId}", response_model=LinkDeleted, summary="Delete adaptive link")
async def delete_link(link: LinkId, account: AccountDep, session: SessionDep) -> LinkDeleted:
    await service.delete(session, account, link)
    return LinkDeleted()


@router.get(
    "/{adaptiveLinkId}/passes",
    response_model=LinkPassList,
    summary="List passes created from an adaptive link",
)
async def list_link_passes(
    link: LinkId, account: AccountDep, session: SessionDep, settings: SettingsDep, page: PageDep,
    status: StatusQuery = None,
) -> LinkPassList:  # fmt: skip
    found = await service.passes(session, account, link, page, status)
    listed = pass_views.listing(found, page, settings.base_url)
    return LinkPassList(count=listed.count, passes=listed.passes, pagination=listed.pagination)


@router.get(
    "/{adaptiveLinkId}/passes/id/{passExternalId}",
    response_model=LinkPasses,
    summary="Get passes from Adaptive Link",
)
async def get_link_pass(
    link: LinkId, pass_id: PassExternalId, account: AccountDep, session: SessionDep
) -> LinkPasses:
    found = await service.passes_by_external_id(session, account, link, pass_id)
    return LinkPasses(passes=[LinkPass.model_validate(row) for row in found])


@router.put(
    "/{adaptiveLinkId}/passes/id/{passExternalId}",
    response_model=TicketList,
    summary="Update passes from Adaptive Link",
)
async def update_link_passes(
    link: LinkId, pass_id: PassExternalId, body: PassUpdate, account: AccountDep, session: SessionDep,
    images: ImageSourceDep,
) -> TicketList:  # fmt: skip
    tickets = await service.update_passes(session, account, link, pass_id, body, images)
    return TicketList(tickets=[TicketId(id=ticket.id) for ticket in tickets])


DeviceQuery = Annotated[Platform | None, Query(alias="deviceType", description="Force a platform.")]
IdsQuery = Annotated[
    str, Query(description="Comma-separated adaptive link ids (at most 10).", max_length=700)
]
PublicId = Annotated[str, Path(alias="adaptiveLinkId", min_length=1, max_length=64)]


@public.get(
    "", response_class=Response, responses=PASS_FILE, dependencies=[Depends(error_pages)],
    summary="Install the passes of several adaptive links at once (no credentials)",
)  # fmt: skip
async def open_links(
    request: Request, ids: IdsQuery, session: SessionDep, settings: SettingsDep, device: DeviceQuery = None
) -> Response:
    public_ids = [part.strip() for part in ids.split(",") if part.strip()]
    query, headers = dict(request.query_params), dict(request.headers)
    return views.answer(await visits.visit(session, public_ids, device, query, headers, settings), headers)


@public.get(
    "/{adaptiveLinkId}", response_class=Response, responses=PASS_FILE, dependencies=[Depends(error_pages)],
    summary="Open an adaptive link: the device's pass (no credentials)",
)  # fmt: skip
async def open_link(
    request: Request, link: PublicId, session: SessionDep, settings: SettingsDep, device: DeviceQuery = None
) -> Response:
    query, headers = dict(request.query_params), dict(request.headers)
    return views.answer(await visits.visit(session, [link], device, query, headers, settings), headers)


@public.get(
    "/{adaptiveLinkId}/{deviceType}", response_class=Response, responses=PASS_FILE,
    dependencies=[Depends(error_pages)],
    summary="Open an adaptive link for one platform (no credentials)",
)  # fmt: skip
async def open_link_for(
    request: Request, link: PublicId, device: Annotated[Platform, Path(alias="deviceType")],
    session: SessionDep, settings: SettingsDep,
) -> Response:  # fmt: skip
    query, headers = dict(request.query_params), dict(request.headers)
    return views.answer(await visits.visit(session, [link], device, query, headers, settings), headers)
