"""Routes of ``/v1/project/{projectId}/nfcMerchants``: wiring only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from passmint.deps import AccountDep, SessionDep
from passmint.nfc import service
from passmint.nfc.schemas import MerchantBody, MerchantDeleted, MerchantList, MerchantRead, MerchantUpdate
from passmint.nfc.views import read
from passmint.routing import ProjectRef

router = APIRouter(prefix="/project", tags=["NFC merchants"])
PATH = "/{projectId:ref}/nfcMerchants"
MerchantId = Annotated[str, Path(alias="merchantId", max_length=64)]


@router.get(PATH, response_model=MerchantList, summary="List NFC merchants")
async def list_merchants(project: ProjectRef, account: AccountDep, session: SessionDep) -> MerchantList:
    return MerchantList(merchants=[read(row) for row in await service.listing(session, account, project)])


@router.post(PATH, response_model=MerchantRead, summary="Add NFC merchant")
async def add_merchant(
    project: ProjectRef, body: MerchantBody, account: AccountDep, session: SessionDep
) -> MerchantRead:
    added = await service.add(session, account, project, body)
    return read(added.merchant, added.private_key)


@router.get(PATH + "/{merchantId}", response_model=MerchantRead, summary="Get NFC merchant")
async def get_merchant(
    project: ProjectRef, merchant_id: MerchantId, account: AccountDep, session: SessionDep
) -> MerchantRead:
    return read(await service.get(session, account, project, merchant_id))


@router.put(PATH + "/{merchantId}", response_model=MerchantRead, summary="Update NFC merchant information")
async def update_merchant(
    project: ProjectRef,
    merchant_id: MerchantId,
    body: MerchantUpdate,
    account: AccountDep,
    session: SessionDep,
) -> MerchantRead:
    return read(await service.update(session, account, project, merchant_id, body))


@router.delete(PATH + "/{merchantId}", response_model=MerchantDeleted, summary="Delete NFC merchant")
async def delete_merchant(
    project: ProjectRef, merchant_id: MerchantId, account: AccountDep, session: SessionDep
) -> MerchantDeleted:
    merchant = await service.delete(session, account, project, merchant_id)
    return MerchantDeleted(merchant_id=str(merchant.id), updated_at=merchant.updated_at)
