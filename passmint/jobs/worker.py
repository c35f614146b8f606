"""The worker: claims due jobs, runs each in its own transaction, retries failures, buries the hopeless.

Claiming is one statement (``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING``),
so any number of workers on PostgreSQL each take different jobs, and on SQLite the write lock does
the same. A claimed job holds a short lease, which a heartbeat renews while the job runs; if its worker
dies, the heartbeat stops and the job is claimed again once the lease runs out. A job's handler and the
job's own outcome commit together, so a crash never loses either; a failure is recorded in a
transaction of its own.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.db import Database
from passmint.jobs.queue import DEAD, DONE, QUEUED, RUNNING
from passmint.jobs.registry import JobContext, Payload, kinds
from passmint.kit.time import utcnow
from passmint.models import Job

log = logging.getLogger(__name__)
BEATS_PER_LEASE = 3
"""A worker renews the leases of the jobs it runs this often per lease."""
MAX_ERROR = 2000


class PermanentFailure(Exception):
    """Raised by a handler when trying again cannot help: the job goes dead at once."""


class LeaseLost(Exception):
    """This worker's lease on a job ran out and another worker took the job."""


@dataclass(frozen=True)
class Claimed:
    """A job this worker holds the lease of."""

    id: int
    name: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


def backoff(attempts: int) -> timedelta:
    """Exponential with jitter: about 2 s, 4 s, 8 s ... capped at an hour."""
    return timedelta(seconds=min(2**attempts, 3600) * random.uniform(0.5, 1.5))  # noqa: S311 - not a secret


class Worker:
    """Runs jobs from the database it is given, ``concurrency`` at a time, each handler given ``context``.

    Each claim holds its job for ``lease`` (by default the settings' ``job_lease_seconds``), renewed
    every third of it while the job runs.
    """

    def __init__(
        self,
        database: Database,
        context: JobContext,
        *,
        concurrency: int = 4,
        poll_interval: float = 0.2,
        delay: Callable[[int], timedelta] = backoff,
        lease: timedelta | None = None,
    ) -> None:
        self.database = database
        self.context = context
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.delay = delay
        self.lease = lease or timedelta(seconds=context.settings.job_lease_seconds)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"[:64]
        self.kinds = kinds()
        self.held: set[int] = set()
        """The jobs this worker has claimed and not yet settled: the ones its heartbeat renews."""

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Keep up to ``concurrency`` jobs running until ``stop`` is set, then let the running ones finish.

        A finished job's place is taken at once, so one long job never holds the others up; with nothing
        due, the loop looks again every ``poll_interval`` seconds. A failing database only pauses it.
        """
        running: set[asyncio.Task[None]] = set()
        stopping = asyncio.ensure_future(stop.wait())
        try:
            async with self.heartbeat():
                try:
                    while not stop.is_set():
                        if free := self.concurrency - len(running):
                            claimed = await self._claim_logged(free)
                            running.update(asyncio.create_task(self.run(job)) for job in claimed)
                        finished, _ = await asyncio.wait(
                            [*running, stopping],
                            timeout=self.poll_interval,
                            return_when=asyncio.FIRST_COMPLETED,
                        )
                        running -= finished
                finally:
                    await asyncio.gather(*running)
        finally:
            stopping.cancel()

    async def run_until_idle(self) -> int:
        """Run every due job (and the jobs they queue) until none is due; how many ran."""
        total = 0
        while ran := await self.run_batch():
            total += ran
        return total

    async def run_batch(self) -> int:
        """Claim up to ``concurrency`` due jobs and run them; how many were claimed."""
        claimed = await self.claim(self.concurrency)
        if claimed:
            async with self.heartbeat():
                await asyncio.gather(*(self.run(job) for job in claimed))
        return len(claimed)

    @asynccontextmanager
    async def heartbeat(self) -> AsyncIterator[None]:
        """Renew the leases of the jobs this worker holds every third of a lease, until the block ends."""
        done = asyncio.Event()
        beating = asyncio.create_task(self._beat_until(done))
        try:
            yield
        finally:
            done.set()
            await beating  # a renewal under way finishes: cancelling it could leave its connection unusable

    async def _beat_until(self, done: asyncio.Event) -> None:
        interval = self.lease.total_seconds() / BEATS_PER_LEASE
        while True:
            try:
                await asyncio.wait_for(done.wait(), interval)
                return
            except TimeoutError:
                await self.renew()

    async def renew(self) -> None:
        """Extend the lease of every job this worker holds, in one short transaction of its own.

        A renewal that fails (a busy database, say) is tried again at the next beat: only a lease that
        runs out loses its job. A job another worker took is not renewed (the statement asks for this
        worker's jobs only), and its handler's work will not commit (see ``run``).
        """
        held = set(self.held)
        if not held:
            return
        renew = (
            update(Job)
            .where(Job.id.in_(held), Job.status == RUNNING, Job.locked_by == self.name)
            .values(locked_until=utcnow() + self.lease)
        )
        try:
            async with self.database.transaction() as session:
                await session.execute(renew, execution_options={"synchronize_session": False})
        except Exception:
            log.warning("job worker could not renew its leases; trying again", exc_info=True)

    async def _claim_logged(self, limit: int) -> list[Claimed]:
        try:
            return await self.claim(limit)
        except Exception:
            log.exception("job worker could not claim jobs", extra={"worker": self.name})
            return []

    async def claim(self, limit: int) -> list[Claimed]:
        """Take up to ``limit`` due jobs (and jobs whose worker's lease ran out) for this worker.

        A read first: an idle queue costs no write (on SQLite a write would contend with every request).
        """
        now = utcnow()
        waiting = or_(
            and_(Job.status == QUEUED, Job.run_at <= now),
            and_(Job.status == RUNNING, Job.locked_until < now),
        )
        async with self.database.transaction() as session:
            if await session.scalar(select(Job.id).where(waiting).limit(1)) is None:
                return []
        due = (
            select(Job.id)
            .where(waiting)
            .order_by(Job.run_at, Job.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(Job)
            .where(Job.id.in_(due.scalar_subquery()))
            .values(
                status=RUNNING, locked_by=self.name, locked_until=now + self.lease, attempts=Job.attempts + 1
            )
            .returning(Job.id, Job.name, Job.payload, Job.attempts, Job.max_attempts)
        )
        async with self.database.transaction() as session:
            rows = await session.execute(claim, execution_options={"synchronize_session": False})
            claimed = [Claimed(*row) for row in rows]
        self.held.update(job.id for job in claimed)
        return claimed

    async def run(self, job: Claimed) -> None:
        """Run one claimed job: its effects and its outcome commit together, or not at all.

        The handler's transaction starts with its first statement, so a handler that talks to the
        network before touching the database holds no transaction open meanwhile.
        """
        try:
            await self._run(job)
        finally:
            self.held.discard(job.id)

    async def _run(self, job: Claimed) -> None:
        registered = self.kinds.get(job.name)
        try:
            if not await self._still_ours(job):
                raise LeaseLost(job.id)
            if registered is None:
                raise PermanentFailure(f"no handler for job '{job.name}'")
            payload = _read(registered.payload, job)
            async with self.database.transaction() as session:
                await registered.handler(session, payload, self.context)
                if not await self._settle(session, job, status=DONE):
                    raise LeaseLost(job.id)  # rolls the handler's work back: the job is someone else's now
        except LeaseLost:
            log.warning("job %s (%s) was taken over after its lease ran out", job.id, job.name)
        except Exception as error:  # a job's failure is recorded, never lost
            await self._failed(job, error)

    async def _still_ours(self, job: Claimed) -> bool:
        """Whether this worker still holds the job (checked before running what cannot be undone)."""
        async with self.database.transaction() as session:
            holder = await session.scalar(
                select(Job.locked_by).where(Job.id == job.id, Job.status == RUNNING)
            )
        return holder == self.name

    async def _settle(self, session: AsyncSession, job: Claimed, *, status: str, **values: Any) -> bool:
        """Record the job's outcome if it is still this worker's; whether it was."""
        finished = {"finished_at": utcnow()} if status in (DONE, DEAD) else {}
        result = await session.execute(
            update(Job)
            .where(Job.id == job.id, Job.status == RUNNING, Job.locked_by == self.name)
            .values(status=status, locked_until=None, **finished, **values),
            execution_options={"synchronize_session": False},
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def _failed(self, job: Claimed, error: Exception) -> None:
        message = f"{type(error).__name__}: {error}"[:MAX_ERROR]
        async with self.database.transaction() as session:
            if isinstance(error, PermanentFailure) or job.attempts >= job.max_attempts:
                await self._settle(session, job, status=DEAD, last_error=message)
                log.error("job %s (%s) failed for good: %s", job.id, job.name, message)
            else:
                run_at = utcnow() + self.delay(job.attempts)
                await self._settle(session, job, status=QUEUED, last_error=message, run_at=run_at)
                log.warning("job %s (%s) failed, will retry: %s", job.id, job.name, message)


def _read(payload: type[Payload], job: Claimed) -> Payload:
    """The job's payload as its kind's type; one that does not fit can never run (a dead job)."""
    try:
        return payload.model_validate(job.payload)
    except ValidationError as error:
        raise PermanentFailure(f"payload of job '{job.name}' is not a {payload.__name__}: {error}") from None
