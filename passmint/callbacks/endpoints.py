"""Routes of ``/v1/project/{projectId}/settings/callback``: wiring only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from passmint.callbacks import service as callback_service
from passmint.callbacks.schemas import CallbackSpecBody, CallbackSpecRead
from passmint.callbacks.sealed import SpecView, sealing_box
from passmint.deps import AccountDep, SessionDep, SettingsDep
from passmint.http_errors import documented
from passmint.kit.crypto import SecretBox
from passmint.routing import ProjectRef

router = APIRouter(prefix="/project", tags=["Callbacks"])
PATH = "/{projectId:ref}/settings/callback"


async def get_sealing_box(settings: SettingsDep) -> SecretBox:
    assert settings.secret_key is not None
    return sealing_box(settings.secret_key.get_secret_value())


SealingBoxDep = Annotated[SecretBox, Depends(get_sealing_box)]


def read(view: SpecView) -> CallbackSpecRead:
    return CallbackSpecRead(
        base_url=view.spec.base_url, headers=view.headers, signing_secret=view.signing_secret
    )


@router.get(PATH, response_model=CallbackSpecRead, summary="Get callback specification")
async def get_callback(
    project: ProjectRef, account: AccountDep, session: SessionDep, box: SealingBoxDep
) -> CallbackSpecRead:
    return read(await callback_service.get(session, account, project, box))


@router.post(
    PATH, response_model=CallbackSpecRead, summary="Create callback specification", responses=documented(409)
)
async def create_callback(
    project: ProjectRef,
    body: CallbackSpecBody,
    account: AccountDep,
    session: SessionDep,
    box: SealingBoxDep,
    settings: SettingsDep,
) -> CallbackSpecRead:
    allow_private = settings.allow_private_networks
    return read(
        await callback_service.create(session, account, project, body, box, allow_private=allow_private)
    )


@router.put(PATH, response_model=CallbackSpecRead, summary="Update callback specification")
async def update_callback(
    project: ProjectRef,
    body: CallbackSpecBody,
    account: AccountDep,
    session: SessionDep,
    box: SealingBoxDep,
    settings: SettingsDep,
) -> CallbackSpecRead:
    allow_private = settings.allow_private_networks
    return read(
        await callback_service.replace(session, account, project, body, box, allow_private=allow_private)
    )


@router.delete(PATH, status_code=204, summary="Delete callback specification")
async def delete_callback(project: ProjectRef, account: AccountDep, session: SessionDep) -> None:
    await callback_service.delete(session, account, project)
