"""SQL for certificates, always scoped to one account."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.pagination import PageRequest, paginate
from passmint.kit.sql import insert_unless_taken
from passmint.models import Certificate, Project

SORT_COLUMNS = {
    "id": Certificate.id,
    "name": Certificate.name,
    "createdAt": Certificate.created_at,
    "updatedAt": Certificate.updated_at,
    "validityEnd": Certificate.validity_end,
}


async def get(session: AsyncSession, account_id: int, certificate_id: uuid.UUID) -> Certificate | None:
    return await session.scalar(
        select(Certificate).where(Certificate.account_id == account_id, Certificate.id == certificate_id)
    )


async def get_by_identity(
    session: AsyncSession, account_id: int, base_name: str, team_identifier: str
) -> Certificate | None:
    return await session.scalar(
        select(Certificate).where(
            Certificate.account_id == account_id,
            Certificate.base_name == base_name,
            Certificate.team_identifier == team_identifier,
        )
    )


async def get_default(session: AsyncSession, account_id: int, vendor: str = "Apple") -> Certificate | None:
    """The account's default certificate of ``vendor`` (one per vendor)."""
    return await session.scalar(
        select(Certificate).where(
            Certificate.account_id == account_id,
            Certificate.vendor == vendor,
            Certificate.is_default.is_(True),
        )
    )


async def count(session: AsyncSession, account_id: int, vendor: str | None = None) -> int:
    _, total = await page(session, account_id, PageRequest(page_size=1), vendor=vendor)
    return total


async def page(
    session: AsyncSession,
    account_id: int,
    request: PageRequest,
    *,
    vendor: str | None = None,
    enabled: bool | None = None,
) -> tuple[Sequence[Certificate], int]:
    statement = select(Certificate).where(Certificate.account_id == account_id)
    if vendor is not None:
        statement = statement.where(Certificate.vendor == vendor)
    if enabled is not None:
        statement = statement.where(Certificate.is_enabled.is_(enabled))
    return await paginate(session, statement, request, SORT_COLUMNS)


async def used_by_projects(session: AsyncSession, certificate_id: uuid.UUID) -> bool:
    found = await session.scalar(
        select(Project.id)
        .where(
            (Project.apple_certificate_id == certificate_id)
            | (Project.google_certificate_id == certificate_id)
        )
        .limit(1)
    )
    return found is not None


async def clear_default(session: AsyncSession, account_id: int, vendor: str) -> None:
    await session.execute(
        update(Certificate)
        .where(Certificate.account_id == account_id, Certificate.vendor == vendor)
        .values(is_default=False)
    )


async def add_unless_taken(session: AsyncSession, certificate: Certificate) -> Certificate | None:
    """The stored certificate, or None (nothing written) when the account has its pass type and team."""
    return await insert_unless_taken(session, certificate, ("account_id", "base_name", "team_identifier"))


async def delete(session: AsyncSession, certificate: Certificate) -> None:
    await session.delete(certificate)
    await session.flush()
