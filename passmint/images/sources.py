"""Where templates and passes get their images from: the shared HTTP client, under the network rule."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.images import service as image_service


@dataclass(frozen=True)
class ImageSource:
    client: httpx.AsyncClient
    allow_private: bool

    async def digest_of(self, session: AsyncSession, url: str, *, field: str) -> str:
        """Fetch (or decode) ``url`` once and store it; the digest of the stored PNG."""
        image = await image_service.ingest(
            session, self.client, url, allow_private=self.allow_private, field=field
        )
        return image.digest
