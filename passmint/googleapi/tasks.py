"""Google sync jobs: a template's class updated, and some passes' objects patched or messaged.

A job plans its calls in a short read transaction of its own, sends them (the credential's shared rate
limit paces them), then writes what came back in the job's transaction: passes done (or answered 404:
never saved) are counted on the ticket; calls Google asks to retry (429, 5xx, no answer) go to a later
job of their own with backoff; calls Google refused for good are kept as a dead job naming Google's
message (``passmint jobs retry`` sends them again). A crash before the commit runs the job again whole,
so every pass is sent at least once and none is skipped.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.googleapi import repository, sync
from passmint.googleapi.client import PREFIX, GoogleClient
from passmint.googleapi.clients import make_tokens, project_client
from passmint.googleapi.errors import GoogleApiError
from passmint.googleapi.sync import Mode, Outcome, Sent
from passmint.jobs.queue import bury, enqueue
from passmint.jobs.registry import JobContext, Payload, job
from passmint.jobs.worker import PermanentFailure, backoff
from passmint.kit.time import utcnow
from passmint.models import Account, GoogleMessage, Pass, Project, Template
from passmint.passes.downloads import record_of
from passmint.tickets import service as ticket_service
from passmint.wallets import format_of
from passmint.wallets import google as google_wallet

log = logging.getLogger(__name__)
BATCH = 100
"""Passes per sync job: many workers share one change, all paced by the credential's rate limit."""
ATTEMPTS = 8
SILENT_NOTE = "Google allows 3 notifications per pass in 24 hours: passes past it got a silent message"


class SyncPasses(Payload):
    """Send ``passes``' current state to Google (``mode``), counting each on ``ticket_id`` when done."""

    kind = "googleapi.sync_passes"
    passes: list[int]
    mode: Mode = "update"
    ticket_id: int | None = None
    attempt: int = 0
    send_id: uuid.UUID

    @classmethod
    def of(cls, pass_ids: Sequence[int], mode: Mode, ticket_id: int | None = None) -> SyncPasses:
        return cls(passes=list(pass_ids), mode=mode, ticket_id=ticket_id, send_id=uuid.uuid4())


class SyncTemplate(Payload):
    """Update the class of a changed Google template, then patch the objects of its passes Google knows."""

    kind = "googleapi.sync_template"
    template_id: int


def batches(items: Sequence[int]) -> list[Sequence[int]]:
    return [items[start : start + BATCH] for start in range(0, len(items), BATCH)]


@job(SyncPasses)
async def sync_passes(session: AsyncSession, payload: SyncPasses, context: JobContext) -> None:
    """Send the passes' calls, then count, retry or bury each as Google answered."""
    async with AsyncSession(session.bind, expire_on_commit=False) as reader:
        tokens = context.resource(make_tokens)
        made = await sync.plan(
            reader, context.http, context.settings, tokens, payload.passes, payload.mode, payload.send_id
        )
    for project_id, class_type, body in made.classes.values():
        await _put_class(made.clients[project_id], class_type, body)
    await sync.make_room(made.first, made.clients)
    results = await sync.send(made.calls, made.clients)
    await _settle(session, payload, results)


@job(SyncTemplate)
async def sync_template(session: AsyncSession, payload: SyncTemplate, context: JobContext) -> None:
    """Update (or insert) the template's class, then queue patches of the objects Google knows."""
    async with AsyncSession(session.bind, expire_on_commit=False) as reader:
        template = await reader.get(Template, payload.template_id)
        if template is None:
            return
        project = await reader.get(Project, template.project_id)
        account = await reader.get(Account, template.account_id)
        assert project is not None and account is not None
        client = await project_client(
            reader, context.http, account, project, context.settings, context.resource(make_tokens)
        )
        class_type, body = await google_wallet.google_class(reader, template, project, context.settings)
    await _put_class(client, class_type, body)
    after = 0
    while passes := await repository.known_passes_of_template(session, payload.template_id, after, 1000):
        for batch in batches(passes):
            await enqueue(session, SyncPasses.of(batch, "update"))
        after = passes[-1]


async def _put_class(client: GoogleClient, class_type: str, body: dict[str, object]) -> None:
    try:
        try:
            await client.update_class(class_type, str(body["id"]), body)
        except GoogleApiError as error:
            if error.status != 404:
                raise
            await client.insert_class(class_type, body)
    except GoogleApiError as error:
        if error.retried:
            raise
        raise PermanentFailure(f"Google refused class {body.get('id')}: {error.message}") from error


async def _settle(session: AsyncSession, payload: SyncPasses, results: list[Sent]) -> None:
    by_outcome: dict[Outcome, list[Sent]] = {}
    for sent in results:
        by_outcome.setdefault(sent.outcome, []).append(sent)
    done = by_outcome.get(Outcome.DONE, [])
    if payload.mode == "notify":
        await _record_notifications(session, payload, done)
    counted = len(payload.passes) - len(results) + len(done)  # passes deleted since count as done
    if again := by_outcome.get(Outcome.RETRY):
        ids = [sent.planned.pass_id for sent in again]
        if payload.attempt + 1 < ATTEMPTS:
            retry = payload.model_copy(update={"passes": ids, "attempt": payload.attempt + 1})
            await enqueue(session, retry, run_at=utcnow() + backoff(payload.attempt + 1))
        else:
            await _bury(session, payload, again, f"still refused after {ATTEMPTS} attempts")
            counted += len(again)
    if failed := by_outcome.get(Outcome.FAILED):
        await _bury(session, payload, failed, "refused")
        counted += len(failed)
    if payload.ticket_id is not None and counted:
        await ticket_service.advance(session, payload.ticket_id, counted)


async def _record_notifications(session: AsyncSession, payload: SyncPasses, done: list[Sent]) -> None:
    ids = [sent.planned.pass_id for sent in done]
    await repository.mark_known(session, ids)
    objects = await repository.objects(session, ids)
    now = utcnow()
    silent = 0
    for sent in done:
        planned, row = sent.planned, objects[sent.planned.pass_id]
        if planned.message is None:
            await repository.remove_messages(session, [planned.pass_id], sync.NOTIFICATION)
            continue
        recent = [at for at in row.notified_at if now - sync.DAY < datetime.fromisoformat(at)]
        row.notified_at = [*recent, now.isoformat()] if planned.notifies else recent
        silent += not planned.notifies
        await repository.add_message(session, _stored(planned.pass_id, planned.message))
    if silent and payload.ticket_id is not None:
        await repository.note_ticket(session, payload.ticket_id, SILENT_NOTE)


def _stored(pass_id: int, message: dict[str, Any]) -> GoogleMessage:
    return GoogleMessage(
        pass_id=pass_id,
        message_id=str(message["id"]),
        kind=sync.NOTIFICATION,
        header=message.get("header"),
        body=message.get("body"),
        message_type="text",
    )


async def _bury(session: AsyncSession, payload: SyncPasses, results: list[Sent], why: str) -> None:
    answers = Counter(sent.why or "no message" for sent in results)
    error = f"Google {why}: " + "; ".join(f"{answer} ({count} passes)" for answer, count in answers.items())
    log.warning("%s", error)
    ids = [sent.planned.pass_id for sent in results]
    await bury(session, payload.model_copy(update={"passes": ids, "attempt": 0, "ticket_id": None}), error)


class SendMessage(Payload):
    """Add a stored message (``POST .../message``) to its pass's object at Google."""

    kind = "googleapi.send_message"
    message_id: int


@job(SendMessage)
async def send_message(session: AsyncSession, payload: SendMessage, context: JobContext) -> None:
    """``addMessage`` on the pass's object; an object Google does not have (404) gets it when inserted."""
    async with AsyncSession(session.bind, expire_on_commit=False) as reader:
        message = await reader.get(GoogleMessage, payload.message_id)
        pass_ = None if message is None else await reader.get(Pass, message.pass_id)
        if message is None or pass_ is None:
            return
        record = await record_of(reader, pass_)
        client = await project_client(
            reader,
            context.http,
            record.account,
            record.project,
            context.settings,
            context.resource(make_tokens),
        )
        documents = await format_of("Google").render(reader, record, context.settings)
        path = f"/{PREFIX}{documents['objectType']}/{documents['object']['id']}"
        sent = [other for other in await repository.messages(reader, [pass_.id]) if other.id != message.id]
        room = sync.room_for_one(path, sent)
    try:
        if room is not None:
            await sync.make_room([(record.project.id, room)], {record.project.id: client})
        await client.add_message(
            documents["objectType"], documents["object"]["id"], sync.google_message(message)
        )
    except GoogleApiError as error:
        if error.status in {404, 409}:
            return
        if error.retried:
            raise
        raise PermanentFailure(f"Google refused message {message.message_id}: {error.message}") from error
