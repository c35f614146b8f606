"""What wallet apps send to ``POST /apple/v1/log``: kept for a bounded time, at a bounded rate."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.ratelimit import RateLimit
from passmint.kit.time import utcnow
from passmint.models import DeviceLog
from passmint.registrations import repository

MAX_ENTRIES = 100
"""Entries in one request; more is a 400."""
MAX_LENGTH = 4000
"""Characters in one entry; more is a 400."""
PRUNE_INTERVAL = 60.0
"""Seconds between two deletions of old rows by one process, unless the last one had more to do."""
PRUNE_BATCH = 10_000
"""Rows one deletion removes at most, so no request waits on a long delete."""
_SERIAL = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def entries_limit() -> RateLimit:
    """Log entries a client address may send: a request costs one token per entry (at least one)."""
    return RateLimit(per_minute=MAX_ENTRIES, burst=MAX_ENTRIES)


class Pruner:
    """Deletes log rows older than the retention, at most once per ``interval`` in this process (more
    often while a backlog remains): cheap enough to run on the requests that add rows."""

    def __init__(
        self,
        retention: timedelta,
        *,
        interval: float = PRUNE_INTERVAL,
        batch: int = PRUNE_BATCH,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.retention, self.interval, self.batch, self.clock = retention, interval, batch, clock
        self._next_at = float("-inf")

    async def prune(self, session: AsyncSession) -> int:
        """Delete up to ``batch`` expired rows if it is time to; how many were deleted."""
        now = self.clock()
        if now < self._next_at:
            return 0
        self._next_at = now + self.interval  # before awaiting, so concurrent requests do not all prune
        deleted = await repository.delete_logs_before(session, utcnow() - self.retention, self.batch)
        if deleted >= self.batch:
            self._next_at = now  # more to delete: the next request goes on with it
        return deleted


async def log(
    session: AsyncSession,
    entries: Sequence[str],
    *,
    client: str,
    limit: RateLimit,
    pruner: Pruner,
) -> int:
    """Keep a wallet app's log lines, each tied to the pass whose serial number it names; how many kept.

    ``client`` (the caller's address) spends one token of ``limit`` per entry; old rows are pruned."""
    limit.take(client, "to /log from this address", cost=max(1, len(entries)))
    named = {serial.lower() for entry in entries for serial in _SERIAL.findall(entry)}
    passes = {
        p.serial_number.lower(): p.id for p in await repository.passes_with_serials(session, sorted(named))
    }
    rows = []
    for entry in entries:
        pass_id = next((passes[s.lower()] for s in _SERIAL.findall(entry) if s.lower() in passes), None)
        rows.append(DeviceLog(pass_id=pass_id, message=entry))
    await repository.add(session, *rows)
    await pruner.prune(session)
    return len(rows)
