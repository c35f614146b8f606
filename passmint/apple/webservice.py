"""Apple's PassKit web service under ``/apple/v1`` (each pass's ``webServiceURL`` is ``{public}/apple``).

The protocol fixes its status codes, so these routes translate service results into them:
201/200 for a new/known registration, 204 when nothing changed, 304 when the pass is unchanged.
https://developer.apple.com/documentation/walletpasses/adding-a-web-service-to-update-passes
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field, StringConstraints

from passmint.deps import SessionDep, SettingsDep
from passmint.http_errors import documented
from passmint.kit.schemas import ApiModel, InputModel
from passmint.kit.time import last_modified
from passmint.models import Pass
from passmint.passes import downloads
from passmint.registrations import service as registration_service
from passmint.registrations.clients import recognize, token_of
from passmint.registrations.service import Registered
from passmint.routing import file_response

router = APIRouter(prefix="/apple/v1", tags=["Apple web service"], responses=documented(401))
DeviceId = Annotated[str, Path(alias="deviceLibraryIdentifier", max_length=255)]
PassTypeId = Annotated[str, Path(alias="passTypeIdentifier", max_length=255)]
REGISTRATION = "/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}"


class PushToken(InputModel):
    push_token: Annotated[str, StringConstraints(min_length=1, max_length=255)]


class UpdatedPasses(ApiModel):
    """The serial numbers of the passes that changed, and the tag to ask with next time."""

    serial_numbers: list[str]
    last_updated: str


class LogEntries(InputModel):
    logs: list[str]


async def authorized_pass(
    session: SessionDep,
    serial_number: Annotated[str, Path(alias="serialNumber", max_length=64)],
    authorization: Annotated[str | None, Header(description="ApplePass <authenticationToken>")] = None,
) -> Pass:
    return await registration_service.authorized_pass(session, serial_number, token_of(authorization))


ApplePass = Annotated[Pass, Depends(authorized_pass)]


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
    pass_: ApplePass,
    body: PushToken,
    request: Request,
    session: SessionDep,
) -> Response:
    result = await registration_service.register(
        session,
        pass_,
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
    session: SessionDep,
    passes_updated_since: Annotated[str | None, Query(alias="passesUpdatedSince", max_length=64)] = None,
) -> Response:
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
    pass_: ApplePass,
    session: SessionDep,
    settings: SettingsDep,
    if_modified_since: Annotated[str | None, Header(alias="If-Modified-Since")] = None,
) -> Response:
    download = await downloads.for_device(session, pass_, settings, since=_http_date(if_modified_since))
    if isinstance(download, downloads.Unchanged):
        stamp = format_datetime(last_modified(download.changed_at), usegmt=True)
        return Response(status_code=304, headers={"Last-Modified": stamp})
    return file_response(download)


class PersonalizationInfo(InputModel):
    """What the person entered; Apple sends only what the pass asked for."""

    full_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    email_address: str | None = None
    postal_code: str | None = None
    iso_country_code: str | None = Field(default=None, alias="ISOCountryCode")
    phone_number: str | None = None


class PersonalizationDictionary(InputModel):
    personalization_token: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
    required_personalization_info: PersonalizationInfo


@router.post(
    "/passes/{passTypeIdentifier}/{serialNumber}/personalize",
    response_class=Response,
    summary="Return a personalized pass (the signed personalization token)",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def personalize(
    serial_number: Annotated[str, Path(alias="serialNumber", max_length=64)],
    body: PersonalizationDictionary,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    info = body.required_personalization_info.model_dump(by_alias=True, exclude_none=True)
    signature = await registration_service.personalize(
        session, serial_number, body.personalization_token, info, settings
    )
    return Response(signature, media_type="application/octet-stream")


@router.post("/log", summary="Log a message")
async def log(body: LogEntries, session: SessionDep) -> Response:
    await registration_service.log(session, body.logs)
    return Response(status_code=200)


def _http_date(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
