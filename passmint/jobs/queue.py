"""Putting jobs on the queue, and reading and retrying them as an operator."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.jobs.registry import kind
from passmint.kit.time import utcnow
from passmint.models import Job

QUEUED, RUNNING, DONE, DEAD = "queued", "running", "done", "dead"


async def enqueue(
    session: AsyncSession, name: str, payload: dict[str, Any], *, run_at: datetime | None = None
) -> Job:
    """Add a job in the caller's transaction: it runs only if that transaction commits."""
    job = new_job(name, payload, run_at=run_at)
    session.add(job)
    await session.flush()
    return job


def new_job(name: str, payload: dict[str, Any], *, run_at: datetime | None = None) -> Job:
    """A queued job, for a caller to add to its session (``enqueue`` does; so does the change clock)."""
    registered = kind(name)
    if registered is None:
        raise ValueError(f"no handler for job '{name}'")
    return Job(
        name=name,
        payload=payload,
        status=QUEUED,
        attempts=0,
        max_attempts=registered.max_attempts,
        run_at=run_at or utcnow(),
    )


def buried(name: str, payload: dict[str, Any], error: str) -> Job:
    """A job recorded as failed for good without running: listed by ``passmint jobs list --status dead``
    and queued again by ``passmint jobs retry``."""
    job = new_job(name, payload)
    job.status, job.last_error, job.finished_at = DEAD, error[:2000], utcnow()
    return job


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
