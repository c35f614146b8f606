"""One rate limit per Google credential, shared by every worker process through the database.

A generic cell rate algorithm: the credential's row holds the theoretical arrival time (TAT) of its
next call. A call of ``cost`` parts moves it on by ``cost / rps`` seconds in one atomic statement, if
the new TAT is at most ``BURST`` seconds ahead: so calls go out at ``rps`` on average, and a second's
budget may be spent at once. A claim that is refused waits until the TAT allows it and tries again.
Each claim commits at once in a transaction of its own (no lock is held while waiting).
"""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from passmint.googleapi import repository

BURST = 1.0
"""Seconds of budget that may go out at once."""
MIN_WAIT = 0.005


async def acquire(bind: AsyncEngine | AsyncConnection, credential: str, cost: int, rps: float) -> float:
    """Wait until ``cost`` calls of ``credential`` may go out, and claim them; answer the seconds waited.

    A claim is taken only when the calls may go out at once (never a slot ahead in time), so a worker
    that is slow to send after waking (its event loop busy) cannot make late calls bunch together."""
    step = cost / rps
    burst = max(BURST, step)
    waited = 0.0
    while True:
        now = time.time()
        async with AsyncSession(bind) as session, session.begin():
            if await repository.claim_slot(session, credential, now, step, burst):
                return waited
            arrival = await repository.arrival(session, credential)
        wait = max((arrival or now) + step - burst - time.time(), MIN_WAIT)
        await asyncio.sleep(wait)
        waited += wait
