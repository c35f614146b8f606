"""Routes of the Google messages API (``/v1/pass/{passId}/message`` and by external id): wiring only."""

from __future__ import annotations

from fastapi import APIRouter

from passmint.deps import AccountDep, SessionDep
from passmint.googleapi import service
from passmint.googleapi.schemas import MessageBody, MessageList, MessageRead
from passmint.http_errors import documented
from passmint.kit.refs import PassLocator
from passmint.routing import At, at_every_address

router = APIRouter(tags=["Google Passes Only"])


@at_every_address(
    router,
    "GET",
    "/message",
    At("Get messages for Google Pass"),
    At("Get messages for Google Pass with external ID"),
    response_model=MessageList,
)
async def list_messages(locator: PassLocator, account: AccountDep, session: SessionDep) -> MessageList:
    messages = await service.list_messages(session, account, locator)
    return MessageList(messages=[MessageRead.of(message) for message in messages])


@at_every_address(
    router,
    "POST",
    "/message",
    At("Add message to Google Pass"),
    At("Add message to Google Pass with external ID"),
    response_model=MessageRead,
    responses=documented(400),
)
async def add_message(
    locator: PassLocator, body: MessageBody, account: AccountDep, session: SessionDep
) -> MessageRead:
    return MessageRead.of(await service.add_message(session, account, locator, body))
