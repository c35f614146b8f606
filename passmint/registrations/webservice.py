"""Apple's PassKit web service under ``/apple/v1`` (each pass's ``webServiceURL`` is ``{public}/apple``).

The protocol fixes its status codes, so these routes translate service results into them:
201/200 for a new/known registration, 204 when nothing changed, 304 when the pass is unchanged.
https://developer.apple.com/documentation/walletpasses/adding-a-web-service-to-update-passes
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field, StringConstraints

from passmint.deps import DatabaseDep, SessionDep, SettingsDep
from passmint.http_errors import documented
from passmint.kit.ratelimit import RateLimit
from passmint.kit.schemas import ApiModel, InputModel
from passmint.models import Pass
from passmint.passes import downloads
from passmint.passes.downloads import Unchanged
from passmint.registrations import device_logs, personalization
from passmint.registrations import service as registration_service
from passmint.registrations.service import Found, Registered
from passmint.registrations.wallet_apps import recognize, token_of
from passmint.routing import file_response, http_date, not_modified

router = APIRouter(prefix="/apple/v1", tags=["Apple web service"], responses=documented(400, 401))
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
"""Identifiers in paths and bodies: no control characters (PostgreSQL refuses NUL in text)."""
DeviceId = Annotated[str, Path(alias="deviceLibraryIdentifier", max_length=255, pattern=PRINTABLE)]
PassTypeId = Annotated[str, Path(alias="passTypeIdentifier", max_length=255, pattern=PRINTABLE)]
SerialNumber = Annotated[str, Path(alias="serialNumber", max_length=64, pattern=PRINTABLE)]
Info = Annotated[str, StringConstraints(max_length=255, pattern=PRINTABLE)]
REGISTRATION = "/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}"


class PushToken(InputModel):
    push_token: Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=PRINTABLE)]


LogLine = Annotated[str, StringConstraints(max_length=device_logs.MAX_LENGTH, pattern=r"^[^\x00]*$")]


class UpdatedPasses(ApiModel):
    """The serial numbers of the passes that changed, and the tag to ask with next time."""

    serial_numbers: list[str]
    last_updated: str


class LogEntries(InputModel):
    logs: Annotated[list[LogLine], Field(max_length=device_logs.MAX_ENTRIES)]


@dataclass
class Guards:
    """The web service's rate limits and log pruning, one set per application (so per process)."""

    log_retention: timedelta
    log_entries: RateLimit = field(default_factory=device_logs.entries_limit)
    personalize: personalization.Limits = field(default_factory=personalization.Limits)
    pruner: device_logs.Pruner = field(init=False)

    def __post_init__(self) -> None:
        self.pruner = device_logs.Pruner(self.log_retention)


async def guards(request: Request, settings: SettingsDep) -> Guards:
    found: Guards | None = getattr(request.app.state, "apple_guards", None)
    if found is None:
        found = Guards(timedelta(days=settings.device_log_retention_days))
        request.app.state.apple_guards = found
    return found


async def client_address(request: Request) -> str:
    """The caller's address (behind a proxy, what uvicorn's ``--forwarded-allow-ips`` lets it trust)."""
    return request.client.host if request.client is not None else "unknown"


GuardsDep = Annotated[Guards, Depends(guards)]
ClientDep = Annotated[str, Depends(client_address)]


async def authorized_pass(
    session: SessionDep,
    pass_type_id: PassTypeId,
    serial_number: SerialNumber,
    authorization: Annotated[str | None, Header(description="ApplePass <authenticationToken>")] = None,
) -> Pass:
    return await registration_service.authorized_pass(
        session, pass_type_id, serial_number, token_of(authorization)
    )


ApplePass = Annotated[Pass, Depends(authorized_pass)]


async def pass_to_register(
    session: SessionDep,
    pass_type_id: PassTypeId,
    serial_number: SerialNumber,
    authorization: Annotated[str | None, Header(description="ApplePass <authenticationToken>")] = None,
) -> Found:
    return await registration_service.authorized_to_register(
        session, pass_type_id, serial_number, token_of(authorization)
    )


@router.post(
    REGISTRATION,
    status_code=201,
    response_class=Response,
    summary="Register a pass for update notifications",
    responses={201: {"description": "Registered."}, 200: {"description": "Already registered."}},
)
async def register(
    device_id: DeviceId,
    pass_type_id: PassTypeId,
    found: Annotated[Found, Depends(pass_to_register)],
    body: PushToken,
    request: Request,
    session: SessionDep,
) -> Response:
    result = await registration_service.register_device(
        session,
        found,
        device_library_identifier=device_id,
        pass_type_identifier=pass_type_id,
        push_token=body.push_token,
        client=recognize(request.headers),
        user_agent=request.headers.get("user-agent"),
    )
    return Response(status_code=201 if result is Registered.CREATED else 200)


@router.delete(
    REGISTRATION,
    response_class=Response,
    summary="Unregister a pass for update notifications",
    responses={200: {"description": "Unregistered."}},
)
async def unregister(device_id: DeviceId, pass_: ApplePass, session: SessionDep) -> Response:
    await registration_service.unregister(session, pass_, device_library_identifier=device_id)
    return Response(status_code=200)


@router.get(
    "/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}",
    summary="Get the list of updatable passes",
    responses={200: {"model": UpdatedPasses}, 204: {"description": "No pass changed."}},
)
async def updatable_passes(
    device_id: DeviceId,
    pass_type_id: PassTypeId,
    database: DatabaseDep,
    passes_updated_since: Annotated[str | None, Query(alias="passesUpdatedSince", max_length=64)] = None,
) -> Response:
    async with database.transaction() as session:
        serials, tag = await registration_service.updated_since(
            session,
            device_library_identifier=device_id,
            pass_type_identifier=pass_type_id,
            tag=passes_updated_since,
        )
    if not serials:
        return Response(status_code=204)
    return JSONResponse({"serialNumbers": list(serials), "lastUpdated": tag})


@router.get(
    "/passes/{passTypeIdentifier}/{serialNumber}",
    response_class=Response,
    summary="Send an updated pass",
    responses={200: {"content": {downloads.PKPASS: {}}}, 304: {"description": "Not modified."}},
)
async def latest_pass(
    pass_type_id: PassTypeId,
    serial_number: SerialNumber,
    session: SessionDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(description="ApplePass <authenticationToken>")] = None,
    if_modified_since: Annotated[str | None, Header(alias="If-Modified-Since")] = None,
) -> Response:
    download = await registration_service.latest(
        session, pass_type_id, serial_number, token_of(authorization), settings,
        since=http_date(if_modified_since),
    )  # fmt: skip
    if isinstance(download, Unchanged):
        return not_modified(download.changed_at)
    return file_response(download)


class PersonalizationInfo(InputModel):
    """What the person entered; Apple sends only what the pass asked for."""

    full_name: Info | None = None
    given_name: Info | None = None
    family_name: Info | None = None
    email_address: Info | None = None
    postal_code: Info | None = None
    iso_country_code: Info | None = Field(default=None, alias="ISOCountryCode")
    phone_number: Info | None = None


class PersonalizationDictionary(InputModel):
    personalization_token: Annotated[
        str,
        StringConstraints(pattern=personalization.TOKEN_PATTERN),
        Field(description="Wallet's token: 1 to 256 letters, digits and `+/=_.~-`; it is signed as sent."),
    ]
    required_personalization_info: PersonalizationInfo


@router.post(
    "/passes/{passTypeIdentifier}/{serialNumber}/personalize",
    response_class=Response,
    summary="Return a personalized pass (the signed personalization token)",
    responses={**documented(404, 409, 429), 200: {"content": {"application/octet-stream": {}}}},
)
async def personalize(
    pass_type_id: PassTypeId,
    serial_number: SerialNumber,
    body: PersonalizationDictionary,
    client: ClientDep,
    guards: GuardsDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    signature = await personalization.personalize(
        session,
        pass_type_identifier=pass_type_id,
        serial_number=serial_number,
        token=body.personalization_token,
        info=body.required_personalization_info.model_dump(by_alias=True, exclude_none=True),
        client=client,
        limits=guards.personalize,
        settings=settings,
    )
    return Response(signature, media_type="application/octet-stream")


LOGGED = {"description": "Kept (an empty JSON object).", "content": {"application/json": {"schema": {
    "type": "object", "maxProperties": 0}}}}  # fmt: skip


@router.post(
    "/log", summary="Log a message", response_class=JSONResponse, responses={**documented(429), 200: LOGGED}
)
async def log(body: LogEntries, client: ClientDep, guards: GuardsDep, session: SessionDep) -> JSONResponse:
    await device_logs.log(session, body.logs, client=client, limit=guards.log_entries, pruner=guards.pruner)
    return JSONResponse({})
