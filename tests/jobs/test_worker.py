"""The job queue: durable, retried, buried when hopeless, and run by one worker each."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings
from passmint.db import Database
from passmint.jobs import queue
from passmint.jobs.registry import JobContext, Payload, job
from passmint.jobs.worker import PermanentFailure, Worker
from passmint.kit.time import utcnow
from passmint.models import Account, Job
from tests.support.waiting import poll

RUNS: list[dict[str, Any]] = []
DATABASE: list[Database] = []
FAILURES: dict[str, int] = {}


class Record(Payload):
    kind = "test.record"
    name: str


class Permanent(Payload):
    kind = "test.permanent"


class LoseLease(Payload):
    kind = "test.lose_lease"
    name: str


class Slow(Payload):
    kind = "test.slow"
    seconds: float = 0.2
    n: int = 0


class WriteAndWait(Payload):
    kind = "test.write_and_wait"
    name: str
    seconds: float


class Nothing(Payload):
    kind = "test.nothing"


PAYLOADS: dict[str, type[Payload]] = {
    kind.kind: kind for kind in (Record, Permanent, LoseLease, Slow, WriteAndWait, Nothing)
}


@job(Record)
async def record(session: AsyncSession, payload: Record, _context: JobContext) -> None:
    """Writes a row (an account named after the payload) and notes the run."""
    session.add(Account(name=payload.name))
    await session.flush()
    if FAILURES.get(payload.name, 0) > 0:
        FAILURES[payload.name] -= 1
        raise RuntimeError(f"{payload.name} failed on purpose")
    RUNS.append(payload.model_dump())


@job(Permanent, max_attempts=5)
async def permanent(session: AsyncSession, payload: Permanent, _context: JobContext) -> None:
    raise PermanentFailure("the receiver said no")


@job(LoseLease)
async def lose_lease(session: AsyncSession, payload: LoseLease, _context: JobContext) -> None:
    """Another worker takes the job over while this one runs it."""
    async with DATABASE[0].transaction() as other:
        await other.execute(text("UPDATE jobs SET locked_by = 'someone-else'"))
    session.add(Account(name=payload.name))
    await session.flush()


@job(Slow)
async def slow(session: AsyncSession, payload: Slow, _context: JobContext) -> None:
    await asyncio.sleep(payload.seconds)
    RUNS.append(payload.model_dump())


@job(WriteAndWait)
async def write_and_wait(session: AsyncSession, payload: WriteAndWait, _context: JobContext) -> None:
    """Writes first (on SQLite its transaction then holds the write lock), then takes its time."""
    session.add(Account(name=payload.name))
    await session.flush()
    await asyncio.sleep(payload.seconds)


@pytest.fixture(autouse=True)
def _clean_notes(database: Database) -> None:
    RUNS.clear()
    FAILURES.clear()
    DATABASE[:] = [database]


def no_wait(_attempts: int) -> timedelta:
    return timedelta(0)


async def enqueue(database: Database, name: str, payload: dict[str, Any]) -> int:
    async with database.transaction() as session:
        return (await queue.enqueue(session, PAYLOADS[name](**payload))).id


async def load(database: Database, job_id: int) -> Job:
    async with database.transaction() as session:
        found = await session.get(Job, job_id)
        assert found is not None
        return found


async def expire_leases(database: Database) -> None:
    """As if every lease ran out a second ago."""
    async with database.transaction() as session:
        await session.execute(
            text("UPDATE jobs SET locked_until = :past"), {"past": utcnow() - timedelta(seconds=1)}
        )


async def accounts_named(database: Database, name: str) -> int:
    async with database.transaction() as session:
        return (
            await session.scalar(select(func.count()).select_from(Account).where(Account.name == name)) or 0
        )


class TestRunning:
    async def test_runs_once_and_commits_its_work(self, database: Database, job_context: JobContext) -> None:
        job_id = await enqueue(database, "test.record", {"name": "a"})
        assert await Worker(database, job_context).run_until_idle() == 1
        assert RUNS == [{"name": "a"}]
        assert (await load(database, job_id)).status == "done"
        assert await accounts_named(database, "a") == 1
        assert await Worker(database, job_context).run_until_idle() == 0

    async def test_rolled_back_enqueue_never_runs(self, database: Database, job_context: JobContext) -> None:
        with pytest.raises(RuntimeError):
            async with database.transaction() as session:
                await queue.enqueue(session, Record(name="ghost"))
                raise RuntimeError("the request failed")
        assert await Worker(database, job_context).run_until_idle() == 0

    async def test_unknown_job_name_is_refused_when_queued(self, database: Database) -> None:
        async with database.transaction() as session:
            with pytest.raises(ValueError, match="no handler"):
                await queue.enqueue(session, Nothing())

    async def test_not_due_yet(self, database: Database, job_context: JobContext) -> None:
        async with database.transaction() as session:
            await queue.enqueue(session, Record(name="later"), run_at=utcnow() + timedelta(hours=1))
        assert await Worker(database, job_context).run_until_idle() == 0

    async def test_a_payload_that_does_not_fit_its_kind_is_dead_at_once(
        self, database: Database, job_context: JobContext
    ) -> None:
        async with database.transaction() as session:
            stored = Job(
                name="test.record", payload={"nom": "x"}, status="queued", attempts=0, max_attempts=8
            )
            stored.run_at = utcnow()
            session.add(stored)
        assert await Worker(database, job_context).run_until_idle() == 1
        dead = await load(database, stored.id)
        assert (dead.status, dead.attempts) == ("dead", 1)
        assert "is not a Record" in (dead.last_error or "") and "name" in (dead.last_error or "")
        assert RUNS == []

    async def test_a_payload_is_queued_as_plain_json(self, database: Database) -> None:
        job_id = await enqueue(database, "test.slow", {"seconds": 0.5, "n": 3})
        assert (await load(database, job_id)).payload == {"seconds": 0.5, "n": 3}


class Closable:
    def __init__(self, settings: Settings) -> None:
        self.settings, self.closed = settings, False

    async def aclose(self) -> None:
        self.closed = True


class TestContext:
    async def test_a_resource_is_made_once_from_the_settings_and_closed_with_the_context(
        self, job_context: JobContext
    ) -> None:
        made = job_context.resource(Closable)
        assert job_context.resource(Closable) is made and made.settings is job_context.settings
        await job_context.aclose()
        assert made.closed
        assert job_context.resource(Closable) is not made  # a closed context makes a new one


class TestFailures:
    async def test_retried_with_its_work_rolled_back(
        self, database: Database, job_context: JobContext
    ) -> None:
        FAILURES["b"] = 2
        job_id = await enqueue(database, "test.record", {"name": "b"})
        worker = Worker(database, job_context, delay=no_wait)
        assert await worker.run_until_idle() == 3
        done = await load(database, job_id)
        assert (done.status, done.attempts) == ("done", 3)
        assert "failed on purpose" in (done.last_error or "")
        assert await accounts_named(database, "b") == 1  # the two failed runs left nothing behind

    async def test_backoff_delays_the_retry(self, database: Database, job_context: JobContext) -> None:
        FAILURES["c"] = 1
        job_id = await enqueue(database, "test.record", {"name": "c"})
        assert await Worker(database, job_context).run_until_idle() == 1
        waiting = await load(database, job_id)
        assert waiting.status == "queued" and waiting.run_at > utcnow()

    async def test_dead_after_max_attempts_and_retried_by_an_operator(
        self, database: Database, job_context: JobContext
    ) -> None:
        FAILURES["d"] = 100
        job_id = await enqueue(database, "test.record", {"name": "d"})
        await Worker(database, job_context, delay=no_wait).run_until_idle()
        dead = await load(database, job_id)
        assert (dead.status, dead.attempts) == ("dead", dead.max_attempts)
        FAILURES["d"] = 0
        async with database.transaction() as session:
            assert await queue.retry(session, [job_id]) == 1
        await Worker(database, job_context, delay=no_wait).run_until_idle()
        assert (await load(database, job_id)).status == "done"

    async def test_permanent_failure_is_dead_at_once(
        self, database: Database, job_context: JobContext
    ) -> None:
        job_id = await enqueue(database, "test.permanent", {})
        await Worker(database, job_context, delay=no_wait).run_until_idle()
        dead = await load(database, job_id)
        assert (dead.status, dead.attempts) == ("dead", 1)
        assert dead.last_error == "PermanentFailure: the receiver said no"


class TestLeases:
    async def test_a_claim_holds_the_job_for_a_short_lease(
        self, database: Database, job_context: JobContext
    ) -> None:
        job_id = await enqueue(database, "test.record", {"name": "l"})
        worker = Worker(database, job_context)
        assert worker.lease == timedelta(seconds=30)
        await worker.claim(1)
        left = (await load(database, job_id)).locked_until
        assert left is not None and timedelta(seconds=25) < left - utcnow() <= timedelta(seconds=30)

    async def test_a_running_job_keeps_its_lease_for_as_long_as_it_runs(
        self, database: Database, job_context: JobContext
    ) -> None:
        lease = timedelta(seconds=0.9)
        job_id = await enqueue(database, "test.slow", {"seconds": 2.5 * lease.total_seconds()})
        running = asyncio.create_task(Worker(database, job_context, lease=lease).run_until_idle())

        async def claimed() -> bool:
            return (await load(database, job_id)).status == "running"

        await poll(claimed, "the first worker runs the job")
        other = Worker(database, job_context, lease=lease)
        taken = []
        while not running.done():
            taken += await other.claim(1)
            await asyncio.sleep(0.05)
        assert taken == [] and await running == 1
        done = await load(database, job_id)
        assert (done.status, done.attempts) == ("done", 1)

    async def test_the_heartbeat_waits_for_a_job_that_holds_the_write_lock(
        self, database: Database, job_context: JobContext
    ) -> None:
        lease = timedelta(seconds=0.6)
        job_id = await enqueue(database, "test.write_and_wait", {"name": "p", "seconds": 1.5})
        async with asyncio.timeout(30):  # a deadlock would hang here
            assert await Worker(database, job_context, lease=lease).run_until_idle() == 1
        done = await load(database, job_id)
        assert (done.status, done.attempts) == ("done", 1)
        assert await accounts_named(database, "p") == 1

    async def test_renewing_extends_the_leases_of_the_jobs_held(
        self, database: Database, job_context: JobContext
    ) -> None:
        job_id = await enqueue(database, "test.record", {"name": "m"})
        worker = Worker(database, job_context)
        await worker.claim(1)
        await expire_leases(database)
        await worker.renew()
        left = (await load(database, job_id)).locked_until
        assert left is not None and left - utcnow() > timedelta(seconds=25)
        assert await Worker(database, job_context).run_until_idle() == 0  # still this worker's

    async def test_a_job_another_worker_took_is_not_renewed(
        self, database: Database, job_context: JobContext
    ) -> None:
        job_id = await enqueue(database, "test.record", {"name": "n"})
        slow_worker = Worker(database, job_context)
        await slow_worker.claim(1)
        await expire_leases(database)
        taker = Worker(database, job_context)
        assert [job.id for job in await taker.claim(1)] == [job_id]
        taken_until = (await load(database, job_id)).locked_until
        await slow_worker.renew()
        taken = await load(database, job_id)
        assert (taken.locked_by, taken.locked_until) == (taker.name, taken_until)

    async def test_a_dead_workers_job_is_taken_again_once_its_short_lease_runs_out(
        self, database: Database, job_context: JobContext
    ) -> None:
        job_id = await enqueue(database, "test.record", {"name": "o"})
        crashed = Worker(database, job_context, lease=timedelta(seconds=0.3))
        await crashed.claim(1)  # then the process died: nothing renews the lease
        survivor = Worker(database, job_context)
        ran = 0
        async with asyncio.timeout(10):
            while not ran:
                ran = await survivor.run_until_idle()
                await asyncio.sleep(0.05)
        assert RUNS == [{"name": "o"}]
        done = await load(database, job_id)
        assert (done.status, done.attempts, done.locked_by) == ("done", 2, survivor.name)


class TestCrashes:
    async def test_a_worker_that_loses_its_lease_while_running_leaves_nothing(
        self, database: Database, job_context: JobContext
    ) -> None:
        job_id = await enqueue(database, "test.lose_lease", {"name": "h"})
        assert await Worker(database, job_context).run_until_idle() == 1
        assert await accounts_named(database, "h") == 0  # its work was rolled back
        taken = await load(database, job_id)
        assert (taken.locked_by, taken.status) == ("someone-else", "running")

    async def test_a_dead_workers_job_is_taken_again_when_its_lease_runs_out(
        self, database: Database, job_context: JobContext
    ) -> None:
        job_id = await enqueue(database, "test.record", {"name": "e"})
        crashed = Worker(database, job_context)
        assert [job.id for job in await crashed.claim(1)] == [job_id]  # claimed, then the process died
        assert await Worker(database, job_context).run_until_idle() == 0  # still leased
        await expire_leases(database)
        assert await Worker(database, job_context).run_until_idle() == 1
        assert RUNS == [{"name": "e"}]
        done = await load(database, job_id)
        assert (done.status, done.attempts) == ("done", 2)

    async def test_a_worker_that_lost_its_lease_does_not_run_the_job(
        self, database: Database, job_context: JobContext
    ) -> None:
        await enqueue(database, "test.record", {"name": "f"})
        slow_worker = Worker(database, job_context)
        (claimed,) = await slow_worker.claim(1)
        await expire_leases(database)
        assert await Worker(database, job_context).run_until_idle() == 1
        await slow_worker.run(claimed)  # wakes up late: the job is someone else's (and done)
        assert RUNS == [{"name": "f"}]


async def test_many_workers_run_each_job_once(database: Database, job_context: JobContext) -> None:
    for index in range(24):
        await enqueue(database, "test.slow", {"n": index})
    workers = [Worker(database, job_context, concurrency=4) for _ in range(3)]
    await asyncio.gather(*(worker.run_until_idle() for worker in workers))
    assert sorted(run["n"] for run in RUNS) == list(range(24))


async def test_run_forever_stops_when_asked(database: Database, job_context: JobContext) -> None:
    await enqueue(database, "test.record", {"name": "g"})
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(database, job_context, poll_interval=0.01).run_forever(stop))
    await poll(lambda: bool(RUNS), "the worker runs the job", seconds=2, every=0.01)
    stop.set()
    await asyncio.wait_for(task, timeout=2)
    assert RUNS == [{"name": "g"}]
