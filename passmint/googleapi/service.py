"""Google passes' messages, and what other parts of passmint ask of Google directly."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings
from passmint.googleapi import repository
from passmint.googleapi.clients import make_tokens, project_client
from passmint.googleapi.errors import GoogleApiError, GoogleUnreachable, NotAGooglePass
from passmint.googleapi.schemas import MessageBody
from passmint.googleapi.tasks import SendMessage
from passmint.googleapi.tokens import Tokens
from passmint.jobs.queue import enqueue
from passmint.kit.refs import PassLocator
from passmint.models import Account, GoogleMessage, Pass
from passmint.passes import service as pass_service
from passmint.wallets import PassRecord, format_of

MESSAGE = "message"


async def list_messages(session: AsyncSession, account: Account, locator: PassLocator) -> list[GoogleMessage]:
    """The messages of a Google pass, oldest first (notifications included)."""
    pass_ = await _google_pass(session, account, locator)
    return await repository.messages(session, [pass_.id])


async def add_message(
    session: AsyncSession, account: Account, locator: PassLocator, body: MessageBody
) -> GoogleMessage:
    """Keep a message for a Google pass, and add it to the pass's object if Google knows it."""
    pass_ = await _google_pass(session, account, locator)
    message = await repository.add_message(
        session,
        GoogleMessage(
            pass_id=pass_.id,
            message_id=f"pm-{secrets.token_hex(10)}",
            kind=MESSAGE,
            header=body.header,
            body=body.body,
            message_type=body.message_type,
            start_at=body.start_time,
            end_at=body.end_time,
        ),
    )
    if (await repository.google_passes(session, [pass_.id])).get(pass_.id):
        await enqueue(session, SendMessage(message_id=message.id))
    return message


async def insert_object_now(
    session: AsyncSession,
    account: Account,
    record: PassRecord,
    settings: Settings,
    http: httpx.AsyncClient | None = None,
    tokens: Tokens | None = None,
) -> None:
    """Insert the pass's class and object at Google now (a save link too long to carry them), and keep
    the pass as known there, so its changes are sent. The shared rate limit's claims are part of the
    session's transaction (which may have written already). ``http`` and ``tokens`` (a token cache)
    are made for the call when not given."""
    documents = await format_of("Google").render(session, record, settings)
    async with _client_of(http) as client:
        google = await project_client(
            session, client, account, record.project, settings, tokens, claims_in_session=True
        )
        await google.insert_class(documents["classType"], documents["class"])
        await google.insert_object(documents["objectType"], documents["object"])
    await repository.mark_known(session, [record.pass_.id])


async def insert_objects_now(
    session: AsyncSession, records: Sequence[PassRecord], settings: Settings
) -> None:
    """Insert these passes' classes and objects at Google now (``wallets.google.insert_objects_with``)."""
    tokens = _tokens.setdefault(settings.google_token_url, make_tokens(settings))
    try:
        async with _client_of(None) as client:
            for record in records:
                await insert_object_now(session, record.account, record, settings, client, tokens)
    except GoogleApiError as error:
        raise GoogleUnreachable(
            f"This save link is too long to carry its passes, and inserting them at Google failed: {error}"
        ) from error


_tokens: dict[str, Tokens] = {}
"""Access tokens of this process, by token URL."""


async def mark_known(session: AsyncSession, pass_ids: list[int]) -> None:
    """These passes' objects exist at Google (e.g. inserted by another path): send their changes."""
    await repository.mark_known(session, pass_ids)


async def _google_pass(session: AsyncSession, account: Account, locator: PassLocator) -> Pass:
    pass_ = await pass_service.get(session, account, locator)
    if not await repository.google_passes(session, [pass_.id]):
        raise NotAGooglePass(
            "Messages are for Google passes only: this pass's template is not a Google template",
            details=[{"field": "passId", "location": "path", "message": "is not a Google pass"}],
        )
    return pass_


@asynccontextmanager
async def _client_of(http: httpx.AsyncClient | None) -> AsyncIterator[httpx.AsyncClient]:
    """The given client, or one made (and closed) for the call."""
    if http is not None:
        yield http
        return
    async with httpx.AsyncClient(timeout=10.0, follow_redirects=False, trust_env=False) as made:
        yield made
