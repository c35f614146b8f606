"""Routes of ``/v1/pass`` (and a template's passes): wiring only."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from passmint.deps import AccountDep, DatabaseDep, ImageSourceDep, SessionDep, SettingsDep, page_params
from passmint.http_errors import documented
from passmint.kit.ids import Id
from passmint.kit.pagination import PageRequest
from passmint.kit.refs import PassLocator, Ref
from passmint.pages import page_response, with_vary
from passmint.passes import bulk, downloads, dynamic, pages, views
from passmint.passes import service as pass_service
from passmint.passes.schemas import (
    PASS_ORDERS,
    BeaconList,
    BeaconsPut,
    DynamicLinkRead,
    DynamicPassBody,
    InstallStatus,
    LocationsAdd,
    PassBody,
    PassDeleted,
    PassList,
    PassLocationRead,
    PassRead,
    PassUpdate,
    RefText,
    SaveToWalletBody,
    SaveToWalletRead,
    TicketRef,
    bundle_external_ids,
    bundle_ids,
    checked_by,
)
from passmint.routing import (
    AcceptHeader,
    At,
    IfModifiedSinceHeader,
    InTemplate,
    PassAt,
    PassExternalId,
    TemplateRef,
    at_every_address,
    file_response,
    http_date,
    not_modified,
)

router = APIRouter(prefix="/pass", tags=["Passes"])
templates = APIRouter(prefix="/template", tags=["Passes"])
public = APIRouter(tags=["Passes"])
PageDep = Annotated[PageRequest, Depends(page_params(PASS_ORDERS))]
StatusQuery = Annotated[InstallStatus | None, Query(description="Install status to filter by.")]
LocationId = Annotated[Id, Path(alias="locationId")]
TemplateQuery = Annotated[
    RefText | None,
    Query(alias="templateId", pattern=r"^([0-9]+|id/.+)$", description="Only this template's passes."),
]
ExternalIdsQuery = Annotated[
    str,
    Query(description="Comma-separated pass external ids (at most 10)."),
    checked_by(bundle_external_ids),
]
PassIdsQuery = Annotated[
    str,
    Query(alias="passIds", pattern=r"^[0-9]+(,[0-9]+)*$", description="Comma-separated ids (at most 10)."),
    checked_by(bundle_ids),
]
FormQuery = Annotated[
    Literal["pkpass", "page"] | None,
    Query(description="`pkpass`: always the file; `page`: always the landing page; unset: by the client."),
]
PKPASS_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {downloads.PKPASS: {}, "application/json": {}},
        "description": "The signed pass; for Google passes with ``Accept: application/json``, "
        "``{saveUrl, jwt, classId, objectId}``.",
    },
    302: {"description": "A Google pass: its save link, minted now, in ``Location``."},
    **documented(501),
}
SAVE_SCHEMA = SaveToWalletRead.model_json_schema(by_alias=True, mode="serialization")
"""A pass file: Google passes answer 501 until they are built."""
PUBLIC_PASS_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {downloads.PKPASS: {}, "text/html": {}},
        "description": "The signed pass, or the pass's landing page for a desktop browser.",
    },
    304: {"description": "The landing page has not changed (If-None-Match)."},
    **documented(501),
}


@router.get("", response_model=PassList, summary="List passes")
async def list_passes(
    account: AccountDep,
    database: DatabaseDep,
    settings: SettingsDep,
    page: PageDep,
    status: StatusQuery = None,
    template_id: TemplateQuery = None,
) -> PassList:
    template = None if template_id is None else Ref.parse(template_id)
    async with database.transaction() as session:
        found = await pass_service.list_passes(session, account, page, template=template, status=status)
    return views.listing(found, page, settings.base_url)


@templates.get("/{templateId:ref}/passes", response_model=PassList, summary="List passes for a template")
async def list_template_passes(
    template: TemplateRef,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
    page: PageDep,
    status: StatusQuery = None,
) -> PassList:
    found = await pass_service.list_passes(session, account, page, template=template, status=status)
    return views.listing(found, page, settings.base_url)


@router.get(
    "/template/{templateId:ref}/download",
    response_class=Response,
    responses=PKPASS_RESPONSE,
    summary="Download several passes of a template by external id",
)
async def download_bundle(
    template: TemplateRef,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
    exids: ExternalIdsQuery,
    accept: AcceptHeader = None,
) -> Response:
    external_ids = bundle_external_ids(exids)
    return file_response(await downloads.bundle(session, account, template, external_ids, settings), accept)


@router.get(
    "/download",
    response_class=Response,
    responses=PKPASS_RESPONSE,
    summary="Download several passes by id in one file",
)
async def download_by_ids(
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
    pass_ids: PassIdsQuery,
    accept: AcceptHeader = None,
) -> Response:
    return file_response(
        await downloads.bundle_by_ids(session, account, bundle_ids(pass_ids), settings), accept
    )


@router.post(
    "/{templateId:ref}/dynamic",
    response_model=DynamicLinkRead,
    summary="Create dynamic pass",
    responses=documented(409),
)
async def create_dynamic_pass(
    template: TemplateRef,
    body: DynamicPassBody,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
    images: ImageSourceDep,
    expiry: Annotated[str | None, Query(description="Expiration date, YYYY-MM-DD.")] = None,
) -> DynamicLinkRead:
    link = await dynamic.create_link(session, account, template, body, images, expiry=expiry)
    return DynamicLinkRead(url=dynamic.link_url(settings.base_url, link))


@router.post(
    "/{templateId:ref}/saveToWallet",
    response_class=Response,
    responses={
        200: {
            "content": {"text/html": {}, "application/json": {"schema": SAVE_SCHEMA}},
            "description": "The Save to Google Wallet button page, or the pass and its save link as JSON.",
        },
        **documented(501),
    },
    summary="Save to Google Wallet",
)
async def save_to_wallet(
    template: TemplateRef,
    body: SaveToWalletBody,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
    images: ImageSourceDep,
    accept: AcceptHeader = None,
) -> Response:
    button = await downloads.save_to_wallet(session, account, template, body, images, settings)
    return pages.save_button(button, accept)


@router.post("/{templateId:ref}", response_model=PassRead, summary="Create pass")
async def create_pass(
    template: TemplateRef,
    body: PassBody,
    account: AccountDep,
    database: DatabaseDep,
    settings: SettingsDep,
    images: ImageSourceDep,
) -> PassRead:
    async with database.transaction() as session:
        created = await pass_service.create(session, account, template, body, images)
    return views.created(created, settings.base_url)


@at_every_address(
    router,
    "GET",
    "",
    At("Get pass"),
    At("Get pass by template and external ID"),
    response_model=PassRead,
)
async def get_pass(
    locator: PassLocator, account: AccountDep, database: DatabaseDep, settings: SettingsDep
) -> PassRead:
    async with database.transaction() as session:
        view = await pass_service.view(session, account, locator)
    return views.full(view, settings.base_url)


@router.post(
    "/template/{templateId:ref}/id/{passExternalId}",
    response_model=PassRead,
    responses=documented(409),
    summary="Create pass with external ID",
)
@router.post(
    "/{templateId:ref}/id/{passExternalId}",
    response_model=PassRead,
    responses=documented(409),
    summary="Create pass with external ID (template by ID or external ID)",
)
async def create_pass_with_external_id(
    template: TemplateRef,
    external_id: PassExternalId,
    body: PassBody,
    account: AccountDep,
    database: DatabaseDep,
    settings: SettingsDep,
    images: ImageSourceDep,
) -> PassRead:
    async with database.transaction() as session:
        created = await pass_service.create(session, account, template, body, images, external_id=external_id)
    return views.created(created, settings.base_url)


@at_every_address(
    router,
    "PUT",
    "",
    At("Update pass"),
    At("Update pass by template and external ID"),
    response_model=TicketRef,
)
async def update_pass(
    locator: PassLocator, body: PassUpdate, account: AccountDep, database: DatabaseDep, images: ImageSourceDep
) -> TicketRef:
    async with database.transaction() as session:
        ticket = await pass_service.update(session, account, locator, body, images)
    return TicketRef(ticket_id=ticket.id)


@at_every_address(
    router,
    "DELETE",
    "",
    At("Delete pass"),
    At("Delete pass by template and external ID"),
    response_model=PassDeleted,
)
async def delete_pass(locator: PassLocator, account: AccountDep, session: SessionDep) -> PassDeleted:
    return PassDeleted(pass_id=await pass_service.delete(session, account, locator))


@at_every_address(
    router,
    "POST",
    "/locations",
    At("Add locations to pass"),
    At("Add locations to pass by external ID"),
    response_model=list[PassLocationRead],
)
async def add_locations(
    locator: PassLocator, body: LocationsAdd, account: AccountDep, session: SessionDep
) -> list[PassLocationRead]:
    return views.location_reads(await pass_service.add_locations(session, account, locator, body.locations))


@at_every_address(
    router,
    "DELETE",
    "/location/{locationId}",
    At("Remove location from pass"),
    At("Remove location from pass by external ID"),
)
async def delete_location(
    locator: PassLocator, location_id: LocationId, account: AccountDep, session: SessionDep
) -> dict[str, list[dict[str, object]]]:
    remaining = await pass_service.delete_location(session, account, locator, location_id)
    return {"locations": views.locations(remaining)}


@router.get(
    "/template/{templateId:ref}/id/{passExternalId}/beacons",
    response_model=BeaconList,
    summary="Get beacons on pass",
)
async def get_beacons(locator: InTemplate, account: AccountDep, session: SessionDep) -> BeaconList:
    return BeaconList(beacons=await pass_service.beacons(session, account, locator))


@router.put(
    "/template/{templateId:ref}/id/{passExternalId}/beacons",
    response_model=TicketRef,
    status_code=201,
    summary="Set beacons on pass",
)
async def put_beacons(
    locator: InTemplate, body: BeaconsPut, account: AccountDep, session: SessionDep
) -> TicketRef:
    return TicketRef(ticket_id=(await pass_service.set_beacons(session, account, locator, body.beacons)).id)


@at_every_address(
    router,
    "GET",
    "/download",
    At("Download pass"),
    At("Download pass by template and external ID", name="download_in_template"),
    response_class=Response,
    responses={**PKPASS_RESPONSE, 304: {"description": "An Apple pass not changed since If-Modified-Since."}},
)
async def download_pass(
    locator: PassLocator,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
    accept: AcceptHeader = None,
    if_modified_since: IfModifiedSinceHeader = None,
) -> Response:
    since = http_date(if_modified_since)
    download = await downloads.pkpass(session, account, locator, settings, since=since)
    if isinstance(download, downloads.Unchanged):
        return not_modified(download.changed_at)
    return file_response(download, accept)


@router.get("/{passId:ref}/viewJSONPass", summary="View the pass.json of a pass", responses=documented(501))
async def view_json_pass(
    locator: PassAt, account: AccountDep, session: SessionDep, settings: SettingsDep
) -> dict[str, object]:
    return await downloads.pass_json(session, account, locator, settings)


@public.get(
    "/pass/dynamic/{linkId}",
    response_class=Response,
    responses=PKPASS_RESPONSE,
    summary="Open a dynamic pass link: the pass is made on the first opening (no credentials)",
)
async def open_dynamic_link(
    link_id: Annotated[uuid.UUID, Path(alias="linkId")],
    session: SessionDep,
    settings: SettingsDep,
    accept: AcceptHeader = None,
) -> Response:
    return file_response(await dynamic.open_link(session, link_id, settings), accept)


@public.get(
    "/download/pass/{token}",
    response_class=Response,
    responses=PUBLIC_PASS_RESPONSE,
    summary="Install a pass from its public link (no credentials)",
    description="The signed pass; a desktop browser (it asks for text/html and is neither an iPhone nor an "
    "Android phone nor a wallet app) gets the pass's landing page instead. `form` chooses either.",
)
async def download_public(
    token: Annotated[str, Path(max_length=64)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form: FormQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    found = await downloads.public_pkpass(session, token, settings, headers=request.headers, form=form)
    if isinstance(found, downloads.Page):
        return page_response(found.html, request.headers)
    return with_vary(file_response(found, accept))


@templates.put(
    "/{templateId:ref}/passes", response_model=TicketRef, summary="Update all passes of a template"
)
async def update_template_passes(
    template: TemplateRef,
    body: PassBody,
    account: AccountDep,
    session: SessionDep,
    images: ImageSourceDep,
    status: StatusQuery = None,
) -> TicketRef:
    ticket = await bulk.update_template_passes(session, account, template, body, images, status=status)
    return TicketRef(ticket_id=ticket.id)
