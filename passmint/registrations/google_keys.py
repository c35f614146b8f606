"""Google's root keys for save and delete callbacks, fetched from ``PASSMINT_GOOGLE_CALLBACK_KEYS_URL``.

One cache per application (so per process): the keys are kept until the earliest of them expires, and
at most ``MAX_AGE``; a callback whose intermediate key no kept root key signed fetches them again (at
most once every ``REFETCH_AFTER``, so that forged callbacks cannot make passmint hammer Google).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from passmint.google.callbacks import RootKey, parse_root_keys
from passmint.registrations.errors import GoogleKeysUnavailable

log = logging.getLogger(__name__)

MAX_AGE = 3600.0
"""Seconds the keys are kept at most: Google rotates them with weeks of notice."""
REFETCH_AFTER = 60.0
"""Seconds kept keys are trusted before a failed verification may fetch them again."""
TIMEOUT = 10.0


class RootKeys:
    """Google's root signing keys at ``url``, cached for a bounded time."""

    def __init__(self, url: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.url = url
        self.clock = clock
        self.fetches = 0
        self._keys: list[RootKey] = []
        self._fetched_at = -MAX_AGE
        self._until = -MAX_AGE
        self._lock = asyncio.Lock()

    def stale(self) -> bool:
        """Whether kept keys are old enough for a failed verification to fetch them again."""
        return self.clock() - self._fetched_at >= REFETCH_AFTER

    async def get(self, client: httpx.AsyncClient, *, now_ms: int, refresh: bool = False) -> list[RootKey]:
        """The keys, fetched when none are kept, they are past their time, or ``refresh`` asks."""
        async with self._lock:
            if refresh or not self._keys or self.clock() >= self._until:
                await self._fetch(client, now_ms)
            return self._keys

    async def _fetch(self, client: httpx.AsyncClient, now_ms: int) -> None:
        self.fetches += 1
        try:
            response = await client.get(self.url, timeout=TIMEOUT, follow_redirects=False)
            response.raise_for_status()
            document: Any = response.json()
        except (httpx.HTTPError, ValueError) as error:
            log.warning("Google's callback keys could not be fetched from %s: %s", self.url, error)
            raise GoogleKeysUnavailable("Google's callback signing keys cannot be fetched now") from error
        keys = parse_root_keys(document)
        if not keys:
            raise GoogleKeysUnavailable("Google's callback key document holds no ECv2SigningOnly key")
        now = self.clock()
        ends = [key.expires_ms for key in keys if key.expires_ms is not None and key.expires_ms > now_ms]
        earliest = min(ends, default=None)
        lifetime = MAX_AGE if earliest is None else min(MAX_AGE, max(0.0, (earliest - now_ms) / 1000))
        self._keys, self._fetched_at, self._until = keys, now, now + lifetime
