"""In-process rate limits: a token bucket per key (a client address, a pass), in bounded memory.

Each process keeps its own buckets, so N processes allow N times the rate: these limits bound what
one caller can make the server do, they are not a quota. Written here rather than taken from a
library because it is this small, is O(1) per request, forgets the least recently seen keys beyond
``max_keys`` (a ``cachetools.LRUCache``: memory stays bounded whatever keys a caller invents), and
takes a clock, so tests move time instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import LRUCache

from passmint.errors import TooManyRequests


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimit:
    """``burst`` requests at once per key, refilled at ``per_minute`` a minute (a request may cost
    more than one, up to ``burst``)."""

    def __init__(
        self,
        *,
        per_minute: float,
        burst: int,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_minute / 60
        self.burst = burst
        self.clock = clock
        self._buckets: LRUCache[str, _Bucket] = LRUCache(maxsize=max_keys)

    def wait(self, key: str, cost: float = 1) -> float:
        """Take ``cost`` tokens from ``key``'s bucket and answer 0, or answer the seconds until it holds
        them (taking nothing)."""
        now = self.clock()
        bucket = self._buckets.get(key) or _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        self._buckets[key] = bucket  # now the most recently seen key; the least recent goes past max_keys
        if bucket.tokens >= cost:
            bucket.tokens -= cost
            return 0.0
        return (cost - bucket.tokens) / self.per_second

    def take(self, key: str, what: str, cost: float = 1) -> None:
        """Take ``cost`` tokens from ``key``'s bucket, or raise ``TooManyRequests`` saying when to retry."""
        seconds = self.wait(key, cost)
        if seconds > 0:
            retry_after = max(1, math.ceil(seconds))
            raise TooManyRequests(
                f"Too many requests {what}; try again in {retry_after} s", retry_after=retry_after
            )
