"""Putting jobs on the queue, and reading and retrying them as an operator."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.jobs.registry import Payload, kind
from passmint.kit.time import utcnow
from passmint.models import Job

QUEUED, RUNNING, DONE, DEAD = "queued", "running", "done", "dead"


async def enqueue(session: AsyncSession, payload: Payload, *, run_at: datetime | None = None) -> Job:
    """Queue a job of ``payload``'s kind in the caller's transaction: it runs only if that commits."""
    job = _new_job(payload, run_at=run_at)
    session.add(job)
    await session.flush()
    return job


async def bury(session: AsyncSession, payload: Payload, error: str) -> Job:
    """Record a job as failed for good without running it: listed by ``passmint jobs list --status dead``
    and queued again by ``passmint jobs retry``."""
    job = _new_job(payload)
    job.status, job.last_error, job.finished_at = DEAD, error[:2000], utcnow()
    session.add(job)
    await session.flush()
    return job


def _new_job(payload: Payload, *, run_at: datetime | None = None) -> Job:
    registered = kind(payload.kind)
    if registered is None or registered.payload is not type(payload):
        raise ValueError(f"no handler for job '{payload.kind}'")
    return Job(
        name=payload.kind,
        payload=payload.model_dump(mode="json"),
        status=QUEUED,
        attempts=0,
        max_attempts=registered.max_attempts,
        run_at=run_at or utcnow(),
    )


async def listed(session: AsyncSession, *, status: str | None = None, limit: int = 100) -> Sequence[Job]:
    """Jobs, newest first, optionally of one status."""
    statement = select(Job).order_by(Job.id.desc()).limit(limit)
    if status is not None:
        statement = statement.where(Job.status == status)
    return (await session.scalars(statement)).all()


async def retry(session: AsyncSession, job_ids: Sequence[int] | None = None) -> int:
    """Queue dead jobs again (these, or all of them) with a fresh count of attempts; how many."""
    statement = update(Job).where(Job.status == DEAD)
    if job_ids is not None:
        statement = statement.where(Job.id.in_(job_ids))
    result = await session.execute(
        statement.values(status=QUEUED, attempts=0, run_at=utcnow(), finished_at=None),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
