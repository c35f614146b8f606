"""SQL for the nonces of Google's save and delete callbacks, kept until they expire so a replayed
callback changes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.sql import insert_unless_taken
from passmint.kit.time import utcnow
from passmint.models import GoogleCallbackNonce


async def keep_nonce(session: AsyncSession, nonce: str, expires_at: datetime) -> bool:
    """Keep a Google callback's nonce; False (nothing written) when it was kept already."""
    row = GoogleCallbackNonce(nonce=nonce, created_at=utcnow(), expires_at=expires_at)
    return await insert_unless_taken(session, row, ("nonce",)) is not None


async def delete_nonces_before(session: AsyncSession, cutoff: datetime, limit: int) -> int:
    """Delete up to ``limit`` of the kept nonces that expired before ``cutoff``; how many."""
    expired = (
        select(GoogleCallbackNonce.nonce)
        .where(GoogleCallbackNonce.expires_at < cutoff)
        .order_by(GoogleCallbackNonce.expires_at)
        .limit(limit)
    )
    statement = delete(GoogleCallbackNonce).where(GoogleCallbackNonce.nonce.in_(expired.scalar_subquery()))
    result = await session.execute(statement, execution_options={"synchronize_session": False})
    return int(result.rowcount)  # type: ignore[attr-defined]
