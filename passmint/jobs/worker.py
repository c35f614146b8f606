"""The worker: claims due jobs, runs each in its own transaction, retries failures, buries the hopeless.

Claiming is one statement (``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING``),
so any number of workers on PostgreSQL each take different jobs, and on SQLite the write lock does
the same. A claimed job holds a lease; if its worker dies, the job is claimed again when the lease
runs out. A job's handler and the job's own outcome commit together, so a crash never loses either.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy import and_, or_, select, update

from passmint.db import Database
from passmint.jobs.queue import DEAD, DONE, QUEUED, RUNNING
from passmint.jobs.registry import kinds
from passmint.kit.time import utcnow
from passmint.models import Job

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
MAX_ERROR = 2000


class PermanentFailure(Exception):
    """Raised by a handler when trying again cannot help: the job goes dead at once."""


def backoff(attempts: int) -> timedelta:
    """Exponential with jitter: about 2 s, 4 s, 8 s ... capped at an hour."""
    return timedelta(seconds=min(2**attempts, 3600) * random.uniform(0.5, 1.5))  # noqa: S311 - not a secret


class Worker:
    """Runs jobs from the database it is given, ``concurrency`` at a time."""

    def __init__(
        self,
        database: Database,
        *,
        concurrency: int = 4,
        poll_interval: float = 0.2,
        delay: Callable[[int], timedelta] = backoff,
    ) -> None:
        self.database = database
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.delay = delay
        self.name = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"[:64]
        self.kinds = kinds()

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Claim and run jobs until ``stop`` is set; a failing database only pauses the loop."""
        while not stop.is_set():
            try:
                ran = await self.run_batch()
            except Exception:
                log.exception("job worker could not claim jobs", extra={"worker": self.name})
                ran = 0
            if ran == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.poll_interval)

    async def run_until_idle(self) -> int:
        """Run every due job (and the jobs they queue) until none is due; how many ran."""
        total = 0
        while ran := await self.run_batch():
            total += ran
        return total

    async def run_batch(self) -> int:
        """Claim up to ``concurrency`` due jobs and run them; how many were claimed."""
        claimed = await self.claim(self.concurrency)
        await asyncio.gather(*(self.run(job_id) for job_id in claimed))
        return len(claimed)

    async def claim(self, limit: int) -> Sequence[int]:
        now = utcnow()
        due = (
            select(Job.id)
            .where(
                or_(
                    and_(Job.status == QUEUED, Job.run_at <= now),
                    and_(Job.status == RUNNING, Job.locked_until < now),
                )
            )
            .order_by(Job.run_at, Job.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(Job)
            .where(Job.id.in_(due.scalar_subquery()))
            .values(status=RUNNING, locked_by=self.name, locked_until=now + LEASE, attempts=Job.attempts + 1)
            .returning(Job.id)
        )
        async with self.database.transaction() as session:
            return list(
                (await session.scalars(claim, execution_options={"synchronize_session": False})).all()
            )

    async def run(self, job_id: int) -> None:
        """Run one claimed job; its effects and its outcome commit together."""
        async with self.database.transaction() as session:
            job = await session.get(Job, job_id, with_for_update=True)
            if job is None or job.status != RUNNING or job.locked_by != self.name:
                return  # another worker took it over after our lease ran out
            registered = self.kinds.get(job.name)
            try:
                if registered is None:
                    raise PermanentFailure(f"no handler for job '{job.name}'")
                async with session.begin_nested():
                    await registered.handler(session, dict(job.payload))
            except Exception as error:  # a job's failure is recorded, never lost
                self._failed(job, error)
            else:
                job.status, job.finished_at, job.locked_until = DONE, utcnow(), None

    def _failed(self, job: Job, error: Exception) -> None:
        job.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR]
        job.locked_until = None
        if isinstance(error, PermanentFailure) or job.attempts >= job.max_attempts:
            job.status, job.finished_at = DEAD, utcnow()
            log.error("job %s (%s) failed for good: %s", job.id, job.name, job.last_error)
        else:
            job.status, job.run_at = QUEUED, utcnow() + self.delay(job.attempts)
            log.warning("job %s (%s) failed, will retry: %s", job.id, job.name, job.last_error)
