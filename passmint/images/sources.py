"""Where templates and passes get their images from: the shared HTTP client, under the network rule.

Fetching is network I/O, storing is a write: a change fetches all of its images (``fetch``) before it
writes anything, then stores them (``Fetched.store``). On SQLite a transaction holds the process's write
turn from its first write to its commit, so a fetch after a write would hold every other writer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.images import service as image_service
from passmint.images.convert import Png


@dataclass(frozen=True)
class Fetched:
    """Images fetched and checked, not stored yet: ``digests`` by name are known already (with any
    ``kept`` from before); ``store`` writes the new ones."""

    digests: dict[str, str]
    new: list[tuple[Png, str]] = field(default_factory=list)

    async def store(self, session: AsyncSession) -> dict[str, str]:
        """Store the fetched images (those not stored already); their digests by name."""
        for png, url in self.new:
            await image_service.store(session, png, url)
        return self.digests


@dataclass(frozen=True)
class ImageSource:
    client: httpx.AsyncClient
    allow_private: bool

    async def fetch(
        self, urls: Mapping[str, tuple[str, str]], *, kept: Mapping[str, str] | None = None
    ) -> Fetched:
        """Fetch (or decode) each image ``name → (url, field)``, naming ``field`` in any error; ``kept``
        gives digests of images already stored (by name), which are not fetched again."""
        digests: dict[str, str] = dict(kept or {})
        new: list[tuple[Png, str]] = []
        for name, (url, located) in urls.items():
            png = await image_service.load(self.client, url, allow_private=self.allow_private, field=located)
            digests[name] = png.digest
            new.append((png, url))
        return Fetched(digests, new)
