"""Routes of ``/v1/certificates``: wiring only."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from passmint.certificates import service as certificate_service
from passmint.certificates.schemas import (
    CERTIFICATE_ORDERS,
    CertificateCreate,
    CertificateList,
    CertificateRead,
    CertificateUpdate,
)
from passmint.certificates.signers import key_box
from passmint.deps import AccountDep, SessionDep, SettingsDep, page_params
from passmint.http_errors import documented
from passmint.kit.crypto import SecretBox
from passmint.kit.pagination import PageRequest, Pagination
from passmint.routing import next_page_url

router = APIRouter(prefix="/certificates", tags=["Certificates"])
PageDep = Annotated[PageRequest, Depends(page_params(CERTIFICATE_ORDERS))]
CertificateId = Annotated[
    uuid.UUID, Path(alias="certificateId", description="The certificate's id (a UUID).")
]


async def get_key_box(settings: SettingsDep) -> SecretBox:
    assert settings.secret_key is not None
    return key_box(settings.secret_key.get_secret_value())


KeyBoxDep = Annotated[SecretBox, Depends(get_key_box)]


@router.get("", response_model=CertificateList, summary="List certificates")
async def list_certificates(
    request: Request,
    settings: SettingsDep,
    account: AccountDep,
    session: SessionDep,
    page: PageDep,
    vendor: Annotated[Literal["Apple", "Google"] | None, Query()] = None,
    enabled: Annotated[bool | None, Query()] = None,
) -> CertificateList:
    rows, count = await certificate_service.list_certificates(
        session, account, page, vendor=vendor, enabled=enabled
    )
    return CertificateList(
        certificates=[CertificateRead.of(row) for row in rows],
        count=count,
        next_page=next_page_url(request, settings.base_url, page, count),
        pagination=Pagination.of(page),
    )


@router.post(
    "",
    response_model=CertificateRead,
    status_code=201,
    summary="Add new certificate",
    responses={200: {"model": CertificateRead, "description": "An existing certificate was renewed."}},
)
async def add_certificate(
    body: CertificateCreate, response: Response, account: AccountDep, session: SessionDep, box: KeyBoxDep
) -> CertificateRead:
    certificate, created = await certificate_service.add(session, account, box, body)
    response.status_code = 201 if created else 200
    return CertificateRead.of(certificate)


@router.get("/{certificateId}", response_model=CertificateRead, summary="Get certificate")
async def get_certificate(
    certificate_id: CertificateId, account: AccountDep, session: SessionDep
) -> CertificateRead:
    return CertificateRead.of(await certificate_service.get(session, account, certificate_id))


@router.put(
    "/{certificateId}",
    response_model=CertificateRead,
    summary="Update certificate",
    responses=documented(409),
)
async def update_certificate(
    certificate_id: CertificateId,
    body: CertificateUpdate,
    account: AccountDep,
    session: SessionDep,
    box: KeyBoxDep,
) -> CertificateRead:
    return CertificateRead.of(await certificate_service.update(session, account, box, certificate_id, body))


@router.delete("/{certificateId}", status_code=204, summary="Remove certificate", responses=documented(409))
async def delete_certificate(certificate_id: CertificateId, account: AccountDep, session: SessionDep) -> None:
    await certificate_service.delete(session, account, certificate_id)
