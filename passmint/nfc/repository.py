"""SQL of NFC merchants."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.designs import Vendor
from passmint.models import NfcMerchant, Template


async def of_project(session: AsyncSession, project_id: int) -> Sequence[NfcMerchant]:
    statement = (
        select(NfcMerchant).where(NfcMerchant.project_id == project_id).order_by(NfcMerchant.created_at)
    )
    return (await session.scalars(statement)).all()


async def get(session: AsyncSession, project_id: int, merchant_id: uuid.UUID) -> NfcMerchant | None:
    return await session.scalar(
        select(NfcMerchant).where(NfcMerchant.project_id == project_id, NfcMerchant.id == merchant_id)
    )


async def newest_for(session: AsyncSession, project_id: int, vendors: Sequence[str]) -> NfcMerchant | None:
    """The project's most recently added merchant of one of these vendors."""
    statement = (
        select(NfcMerchant)
        .where(NfcMerchant.project_id == project_id, NfcMerchant.vendor.in_(vendors))
        .order_by(NfcMerchant.created_at.desc())
        .limit(1)
    )
    return await session.scalar(statement)


async def add(session: AsyncSession, merchant: NfcMerchant) -> NfcMerchant:
    session.add(merchant)
    await session.flush()
    return merchant


async def remove(session: AsyncSession, merchant: NfcMerchant) -> None:
    await session.delete(merchant)
    await session.flush()


async def google_templates(session: AsyncSession, project_id: int) -> Sequence[int]:
    """The ids of the project's live Google templates."""
    statement = select(Template.id).where(
        Template.project_id == project_id,
        Template.vendor == Vendor.GOOGLE.value,
        Template.deleted_at.is_(None),
    )
    return (await session.scalars(statement)).all()
