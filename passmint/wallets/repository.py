"""SQL of the wallet formats: what a project's NFC merchants give its Google passes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.models import NfcMerchant

SMART_TAP_VENDORS = ("GOOGLE", "ANY")


async def smart_tap_issuer_ids(session: AsyncSession, project_id: int) -> Sequence[str | None] | None:
    """The ``smartTapIssuerId`` of each of the project's Google (or ANY) NFC merchants, oldest first
    (None where one has none); None when the project has no such merchant."""
    statement = (
        select(NfcMerchant.smart_tap_issuer_id)
        .where(NfcMerchant.project_id == project_id, NfcMerchant.vendor.in_(SMART_TAP_VENDORS))
        .order_by(NfcMerchant.created_at)
    )
    found = (await session.scalars(statement)).all()
    return found or None
