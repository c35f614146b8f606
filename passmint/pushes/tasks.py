"""Push jobs: plan the pushes of a template's change, and push the devices holding some passes.

A push job reads its devices, pushes them all at once over the certificate's HTTP/2 connection, then
writes what came back: devices Apple no longer knows end their registration, devices to try again
go to a later job (with backoff), and pushes that failed for good are kept as a dead job naming why,
which ``passmint jobs retry`` sends again. A crash before the job's commit runs it again whole:
devices are pushed at least once, never skipped.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.certificates.service import project_signer
from passmint.jobs.queue import bury, enqueue
from passmint.jobs.registry import JobContext, Payload, job
from passmint.jobs.worker import backoff
from passmint.kit.time import utcnow
from passmint.models import Account, Project
from passmint.pushes import repository
from passmint.pushes.apns import ApnsClient, PushOutcome, PushResult
from passmint.pushes.clients import ApnsClients
from passmint.pushes.repository import Target
from passmint.registrations import service as registration_service
from passmint.tickets import service as ticket_service

log = logging.getLogger(__name__)
ATTEMPTS = 8
"""Pushes to a device that Apple asks to retry (429, 5xx, no answer): tried this often, then buried."""
DEVELOPMENT_CERTIFICATE = PushResult(PushOutcome.FAILED, reason="DevelopmentCertificate")
"""Apple accepts only its own certificates: passes signed by the development one cannot be pushed."""


BATCH = 1000
"""Passes per push job: many workers push one large change in parallel."""


class PlanTemplate(Payload):
    """Every held pass of a template that changed."""

    kind = "pushes.plan_template"
    template_id: int


class Send(Payload):
    """Push every active registration of ``passes`` (counted on ``ticket_id``), or of ``registrations``
    for a retry (``attempt`` of them). ``push_id`` names the pushes, so a push sent again (a crash, a
    retry) carries the same ``apns-id`` (see ``apns_id``)."""

    kind = "pushes.send"
    passes: list[int] | None = None
    ticket_id: int | None = None
    registrations: list[uuid.UUID] | None = None
    attempt: int = 0
    push_id: uuid.UUID | None = None

    @classmethod
    def of_passes(cls, pass_ids: Sequence[int], ticket_id: int | None = None) -> Send:
        return cls(passes=list(pass_ids), ticket_id=ticket_id, push_id=uuid.uuid4())


def batches(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


@job(PlanTemplate)
async def plan_template(session: AsyncSession, payload: PlanTemplate, _context: JobContext) -> None:
    """Queue push jobs for every held pass of a changed template."""
    pass_ids = await repository.registered_passes_of_template(session, payload.template_id)
    for batch in batches(pass_ids):
        await enqueue(session, Send.of_passes(batch))


@job(Send)
async def send(session: AsyncSession, payload: Send, context: JobContext) -> None:
    """Push every active registration of the payload's passes (or registrations, for a retry)."""
    targets, clients = await _prepare(session, context, payload)
    results = await _push(clients, targets, payload.push_id)
    await _settle(session, results, attempt=payload.attempt, push_id=payload.push_id)
    if payload.ticket_id is not None:
        await ticket_service.advance(session, payload.ticket_id, len(payload.passes or []))


def apns_id(push_id: uuid.UUID | None, target: Target) -> uuid.UUID | None:
    """The ``apns-id`` of one push job's push to one registration: the same on every attempt."""
    return None if push_id is None else uuid.uuid5(push_id, str(target.registration_id))


async def _prepare(
    session: AsyncSession, context: JobContext, payload: Send
) -> tuple[list[Target], dict[int, ApnsClient | None]]:
    """The registrations to push and the client of each one's project (None for the development
    certificate), read in a short transaction of its own on the same database: the job's transaction
    then holds no read snapshot while it waits on Apple, and starts with the writes that follow."""
    async with AsyncSession(session.bind, expire_on_commit=False) as reader:
        if payload.registrations is not None:
            targets = await repository.targets(reader, registration_ids=payload.registrations)
        else:
            targets = await repository.targets(reader, pass_ids=payload.passes or [])
        clients = {}
        for account_id, project_id in {(target.account_id, target.project_id) for target in targets}:
            account, project = await reader.get(Account, account_id), await reader.get(Project, project_id)
            assert account is not None and project is not None
            signer = await project_signer(reader, account, project, context.settings)
            clients[project_id] = context.resource(ApnsClients).for_signer(signer)
    return targets, clients


async def _push(
    clients: dict[int, ApnsClient | None], targets: Sequence[Target], push_id: uuid.UUID | None
) -> list[tuple[Target, PushResult]]:
    """Push every target at once, each with the client of its project's signing certificate."""

    async def push(target: Target) -> tuple[Target, PushResult]:
        client = clients[target.project_id]
        if client is None:
            return target, DEVELOPMENT_CERTIFICATE
        return target, await client.push(target.push_token, target.topic, apns_id=apns_id(push_id, target))

    return await asyncio.gather(*(push(target) for target in targets))


async def _settle(
    session: AsyncSession,
    results: Sequence[tuple[Target, PushResult]],
    *,
    attempt: int,
    push_id: uuid.UUID | None,
) -> None:
    by_outcome: dict[PushOutcome, list[tuple[Target, PushResult]]] = {}
    for target, result in results:
        by_outcome.setdefault(result.outcome, []).append((target, result))
    if gone := by_outcome.get(PushOutcome.UNREGISTERED):
        await registration_service.end_by_ids(session, [target.registration_id for target, _ in gone])
    if again := by_outcome.get(PushOutcome.RETRY):
        if attempt + 1 < ATTEMPTS:
            run_at = utcnow() + backoff(attempt + 1)
            await enqueue(session, _retry(again, attempt + 1, push_id), run_at=run_at)
        else:
            await _bury(session, again, f"still refused after {ATTEMPTS} attempts", push_id)
    if failed := by_outcome.get(PushOutcome.FAILED):
        await _bury(session, failed, "refused", push_id)


async def _bury(
    session: AsyncSession, results: list[tuple[Target, PushResult]], why: str, push_id: uuid.UUID | None
) -> None:
    answers = Counter(
        f"{result.status or 'no answer'} {result.reason or ''}".strip() for _, result in results
    )
    error = f"APNs {why}: " + "; ".join(f"{answer} ({count} devices)" for answer, count in answers.items())
    log.warning("%s", error)
    await bury(session, _retry(results, 0, push_id), error)


def _retry(results: list[tuple[Target, PushResult]], attempt: int, push_id: uuid.UUID | None) -> Send:
    return Send(
        registrations=[target.registration_id for target, _ in results], attempt=attempt, push_id=push_id
    )
