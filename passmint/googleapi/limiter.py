"""One rate limit per Google credential, shared by every worker process through the database.

A generic cell rate algorithm: the credential's row holds the theoretical arrival time (TAT) of its
next call. A call of ``cost`` parts moves it on by ``cost / rps`` seconds in one atomic statement, and
may go out ``BURST`` seconds before the new TAT: so at most ``rps`` calls go out in any second, and a
second's budget may be spent at once. The claim commits at once in a transaction of its own (no lock
is held while waiting), so a worker that dies after claiming only wastes its slot.
"""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from passmint.googleapi import repository

BURST = 1.0
"""Seconds of budget that may go out at once."""


async def acquire(bind: AsyncEngine | AsyncConnection, credential: str, cost: int, rps: float) -> float:
    """Wait until ``cost`` calls of ``credential`` may go out; answer the seconds waited."""
    now = time.time()
    async with AsyncSession(bind) as session, session.begin():
        arrival = await repository.claim_slot(session, credential, now, cost / rps)
    wait = arrival - BURST - time.time()
    if wait > 0:
        await asyncio.sleep(wait)
    return max(wait, 0.0)
