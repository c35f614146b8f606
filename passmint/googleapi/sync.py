"""What a change sends to Google: each pass's call planned from its current state, sent in batches.

A pass update is a PATCH of the pass's whole object as the Google format renders it (Google replaces
lists whole, so sending them whole is what a patch of changed members would be). A notify is an
``addMessage``: ``TEXT_AND_NOTIFY`` while the pass has had fewer than three notifications in 24 hours
(Google's limit), a silent ``TEXT`` beyond; a removed notification is a PATCH of ``messages`` without
passmint's notifications. A message's id is derived from the job's ``send_id``, so a job run again
after a crash sends the same message, which Google refuses as a duplicate (409), counted as sent.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Literal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings
from passmint.googleapi import repository
from passmint.googleapi.batch import Answer, Part
from passmint.googleapi.client import PREFIX, GoogleClient
from passmint.googleapi.clients import project_client
from passmint.googleapi.errors import GoogleApiError
from passmint.googleapi.tokens import Tokens
from passmint.kit.time import utcnow
from passmint.models import GoogleMessage, Pass
from passmint.passes.downloads import record_of
from passmint.wallets import format_of

Mode = Literal["update", "notify"]
NOTIFICATIONS_PER_DAY = 3
MESSAGES_PER_OBJECT = 10
"""Google keeps at most 10 messages on an object (Discovery ``messages``)."""
NOTIFICATION = "notification"
DAY = timedelta(hours=24)


class Outcome(Enum):
    DONE = "done"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Planned:
    """One pass's call to Google."""

    pass_id: int
    project_id: int
    part: Part
    message: dict[str, Any] | None = None
    """The notification message an ``addMessage`` adds."""
    notifies: bool = False
    """The message lights up the phone (``TEXT_AND_NOTIFY``)."""


@dataclass(frozen=True)
class Sent:
    planned: Planned
    outcome: Outcome
    why: str = ""


@dataclass
class Plan:
    """A job's calls: each pass's, the clients of their projects, and the journey classes (a flight's or
    an event's, ``google.journeys``) to put before the objects that name them."""

    calls: list[Planned] = field(default_factory=list)
    clients: dict[int, GoogleClient] = field(default_factory=dict)
    classes: dict[str, tuple[int, str, dict[str, Any]]] = field(default_factory=dict)
    """By class id: the project, the class's REST collection and its body."""
    first: list[tuple[int, Part]] = field(default_factory=list)
    """Calls (by project) that make room for a notification on an object holding 10 messages."""


async def plan(
    reader: AsyncSession,
    http: httpx.AsyncClient,
    settings: Settings,
    tokens: Tokens,
    pass_ids: Sequence[int],
    mode: Mode,
    send_id: uuid.UUID,
) -> Plan:
    """Each pass's call, the client of each pass's project, and the journey classes they need."""
    made = Plan()
    notified = await repository.objects(reader, pass_ids)
    for pass_id in pass_ids:
        pass_ = await reader.get(Pass, pass_id)
        if pass_ is None:
            continue
        record = await record_of(reader, pass_)
        if record.project.id not in made.clients:
            made.clients[record.project.id] = await project_client(
                reader, http, record.account, record.project, settings, tokens
            )
        documents = await format_of("Google").render(reader, record, settings)
        path = f"/{PREFIX}{documents['objectType']}/{documents['object']['id']}"
        if mode == "update":
            if record.journey is not None:
                klass = documents["class"]
                made.classes[klass["id"]] = (record.project.id, documents["classType"], klass)
            made.calls.append(Planned(pass_id, record.project.id, Part("PATCH", path, documents["object"])))
            continue
        row = notified.get(pass_id)
        recent = recent_notifications(row.notified_at if row is not None else [], utcnow())
        call = await _notify_call(reader, pass_, record.project.id, path, send_id, recent)
        if call.message is not None and (
            room := room_for_one(path, await repository.messages(reader, [pass_id]))
        ):
            made.first.append((record.project.id, room))
        made.calls.append(call)
    return made


async def _notify_call(
    reader: AsyncSession, pass_: Pass, project_id: int, path: str, send_id: uuid.UUID, recent: int
) -> Planned:
    notification = pass_.values.get(NOTIFICATION)
    if not notification:
        kept = await repository.messages(reader, [pass_.id], kind="message")
        body = {"messages": [google_message(message) for message in kept[-MESSAGES_PER_OBJECT:]]}
        return Planned(pass_.id, project_id, Part("PATCH", path, body))
    notifies = recent < NOTIFICATIONS_PER_DAY
    message: dict[str, Any] = {
        "id": f"pm-n-{uuid.uuid5(send_id, str(pass_.id)).hex[:20]}",
        "body": notification["value"],
        "messageType": "TEXT_AND_NOTIFY" if notifies else "TEXT",
    }
    if notification.get("label"):
        message["header"] = notification["label"]
    part = Part("POST", f"{path}/addMessage", {"message": message})
    return Planned(pass_.id, project_id, part, message=message, notifies=notifies)


def room_for_one(path: str, sent: Sequence[GoogleMessage]) -> Part | None:
    """When passmint has given the object at ``path`` 10 messages or more (``sent``, oldest first), the
    PATCH that keeps only the newest 9 there, so that one more fits; the oldest are dropped at Google
    (passmint still lists them)."""
    if len(sent) < MESSAGES_PER_OBJECT:
        return None
    kept = sent[len(sent) - MESSAGES_PER_OBJECT + 1 :]
    return Part("PATCH", path, {"messages": [google_message(message) for message in kept]})


async def make_room(first: Sequence[tuple[int, Part]], clients: dict[int, GoogleClient]) -> None:
    """Send the calls that make room for new messages; an object Google does not have (404) needs none."""
    for project_id, part in first:
        try:
            await clients[project_id].call(part.method, part.path.removeprefix(f"/{PREFIX}"), part.body)
        except GoogleApiError as error:
            if error.status != 404:
                raise


def recent_notifications(notified_at: Sequence[str], now: datetime) -> int:
    """How many of these notification times lie within the last 24 hours."""
    return sum(1 for at in notified_at if datetime.fromisoformat(at) > now - DAY)


def google_message(message: GoogleMessage) -> dict[str, Any]:
    """A stored message as Google's ``Message``."""
    kinds = {"text": "TEXT", "expirationNotification": "EXPIRATION_NOTIFICATION"}
    body: dict[str, Any] = {"id": message.message_id, "messageType": kinds.get(message.message_type, "TEXT")}
    if message.header is not None:
        body["header"] = message.header
    if message.body is not None:
        body["body"] = message.body
    interval = {
        key: {"date": at.isoformat().replace("+00:00", "Z")}
        for key, at in (("start", message.start_at), ("end", message.end_at))
        if at is not None
    }
    if interval:
        body["displayInterval"] = interval
    return body


async def send(planned: Sequence[Planned], clients: dict[int, GoogleClient]) -> list[Sent]:
    """Send every call, each project's in batches through its client (projects in parallel)."""
    by_project: dict[int, list[Planned]] = {}
    for call in planned:
        by_project.setdefault(call.project_id, []).append(call)
    results = await asyncio.gather(*(_send_all(clients[key], calls) for key, calls in by_project.items()))
    return [sent for result in results for sent in result]


async def _send_all(client: GoogleClient, calls: list[Planned]) -> list[Sent]:
    sent: list[Sent] = []
    for start in range(0, len(calls), client.batch_size):
        chunk = calls[start : start + client.batch_size]
        try:
            answers = await _answers(client, [call.part for call in chunk])
        except GoogleApiError as error:
            answers = [Answer(error.status, error.message.encode())] * len(chunk)
        sent += [_judge(call, answer) for call, answer in zip(chunk, answers, strict=True)]
    return sent


async def _answers(client: GoogleClient, parts: list[Part]) -> list[Answer]:
    if len(parts) > 1:
        return await client.batch(parts)
    part = parts[0]
    try:
        await client.call(part.method, part.path.removeprefix(f"/{PREFIX}"), part.body)
    except GoogleApiError as error:
        return [Answer(error.status, error.message.encode())]
    return [Answer(200, b"")]


def _judge(call: Planned, answer: Answer) -> Sent:
    """200, and 404 (no one saved the object yet: its next save link carries it whole), are done; a
    duplicate message (409) was sent before; 429, 5xx and no answer are tried again; the rest failed."""
    status = answer.status
    if 200 <= status < 300 or status == 404 or (status == 409 and call.message is not None):
        return Sent(call, Outcome.DONE)
    error = GoogleApiError.of(status, answer.body) if answer.body.startswith(b"{") else None
    why = error.message if error is not None else answer.body.decode("utf-8", "replace")
    return Sent(call, Outcome.RETRY if GoogleApiError(status, why).retried else Outcome.FAILED, why)
