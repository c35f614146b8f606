"""SQL for images, which belong to no account: a row is named by its content."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.sql import insert_unless_taken
from passmint.models import Image


async def get(session: AsyncSession, digest: str) -> Image | None:
    return await session.get(Image, digest)


async def get_many(session: AsyncSession, digests: Collection[str]) -> dict[str, Image]:
    rows = await session.scalars(select(Image).where(Image.digest.in_(digests)))
    return {image.digest: image for image in rows}


async def add_once(session: AsyncSession, image: Image) -> Image:
    """Store ``image`` unless a row with its digest exists (another request may have stored the same
    image a moment ago); the stored row either way. An ``ON CONFLICT`` insert, so the rest of the
    transaction is unaffected and the row commits with it (no savepoint, which on SQLite's driver
    would commit the image on its own)."""
    stored = await insert_unless_taken(session, image, ("digest",))
    if stored is None:
        stored = await get(session, image.digest)
        assert stored is not None  # it conflicted, so it is there (images are never deleted)
    return stored
