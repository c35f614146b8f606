"""Images: load an image URL as a checked PNG (no database), store it once per content, read stored images."""

from __future__ import annotations

from collections.abc import Collection

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.images import convert, fetch, repository
from passmint.images.errors import ImageNotFound, ImagesError
from passmint.images.fetch import FETCH_TIMEOUT, MAX_BYTES
from passmint.kit.lru import BytesLRU
from passmint.kit.threads import in_thread
from passmint.models import Image

KEPT_BYTES = 32 * 1024 * 1024
"""The budget of ``_kept``: a pass's images are a few kilobytes to a few hundred."""
_kept = BytesLRU()
"""Image bytes by digest, the least recently used dropped past ``KEPT_BYTES``: a digest is the SHA-256
of the bytes and a stored image is never changed or deleted, so what is kept never goes stale."""


async def load(
    client: httpx.AsyncClient,
    url: str,
    *,
    allow_private: bool,
    field: str | None = None,
    max_bytes: int = MAX_BYTES,
    time_limit: float = FETCH_TIMEOUT,
) -> convert.Png:
    """The image at ``url`` as a checked PNG, not stored: no database, so no transaction waits on it."""
    try:
        data = await fetch.load(
            client, url, allow_private=allow_private, max_bytes=max_bytes, time_limit=time_limit
        )
        return await in_thread(convert.to_png, data, max_bytes=max_bytes)
    except ImagesError as error:
        raise error.located(url, field) from error


async def store(session: AsyncSession, png: convert.Png, url: str) -> Image:
    """The stored row of ``png`` (from ``url``), inserted unless the same image is stored already."""
    stored = await repository.get(session, png.digest)
    if stored is not None:
        return stored
    image = Image(
        digest=png.digest,
        width=png.width,
        height=png.height,
        size=len(png.data),
        data=png.data,
        source_url=None if fetch.is_data_url(url) else url,
    )
    return await repository.add_once(session, image)


async def get(session: AsyncSession, digest: str) -> Image | None:
    """The stored image whose PNG bytes have this SHA-256 hex digest."""
    return await repository.get(session, digest)


async def get_many(session: AsyncSession, digests: Collection[str]) -> dict[str, Image]:
    """The stored images with these digests, by digest (one query)."""
    return await repository.get_many(session, digests)


async def data_many(session: AsyncSession, digests: Collection[str]) -> dict[str, bytes]:
    """The PNG bytes of the stored images with these digests, by digest: those kept in this process
    unread, the others in one query (then kept)."""
    found = {digest: data for digest in digests if (data := _kept.get(digest)) is not None}
    missing = [digest for digest in digests if digest not in found]
    if missing:
        for digest, image in (await repository.get_many(session, missing)).items():
            _kept.put(digest, image.data, KEPT_BYTES)
            found[digest] = image.data
    return found


async def data_of(session: AsyncSession, digest: str) -> bytes:
    """The PNG bytes of the stored image with this digest; ``ImageNotFound`` when there is none."""
    image = await repository.get(session, digest)
    if image is None:
        raise ImageNotFound("No image at this address")
    return image.data
