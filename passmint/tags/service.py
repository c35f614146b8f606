"""Tags: a pass's tags, the account's tags, and the passes of a tag (listed, updated, untagged).

``PUT .../tags`` adds to the pass's tags (the reference calls it "Add tags to pass"); a pass carries at
most ``MAX_TAGS``, and a request that would pass the limit is refused whole. Tags in the body of a pass
create or update replace the pass's tags (see ``passes.repository.set_tags``): the same tables.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.audiences import Tags
from passmint.images.sources import ImageSource
from passmint.kit.ids import is_ascii_digits
from passmint.kit.pagination import PageRequest
from passmint.kit.refs import PassLocator
from passmint.models import Account, Tag, Ticket
from passmint.passes import bulk
from passmint.passes import repository as pass_repository
from passmint.passes import service as pass_service
from passmint.passes.schemas import MAX_TAGS, FieldsChange, InstallStatus
from passmint.passes.service import PassPage
from passmint.tags import repository
from passmint.tags.errors import TagNotFound, TooManyTags

MAX_TAG_ID_DIGITS = 18
"""A longer string of digits is never read as a tag id (it would not fit one)."""
UPDATE_OPERATION = "tags.update_passes"


async def find(session: AsyncSession, account: Account, tag: str) -> Tag:
    """The account's tag named ``tag``, or else the one with id ``tag`` (a string of digits)."""
    found = await repository.by_name(session, account.id, tag)
    if found is None and is_ascii_digits(tag) and len(tag) <= MAX_TAG_ID_DIGITS:
        found = await repository.by_id(session, account.id, int(tag))
    if found is None:
        raise TagNotFound(f"Tag '{tag}' was not found")
    return found


async def of_pass(session: AsyncSession, account: Account, locator: PassLocator) -> Sequence[Tag]:
    pass_ = await pass_service.get(session, account, locator)
    return await repository.of_pass(session, pass_.id)


async def add(session: AsyncSession, account: Account, locator: PassLocator, names: list[str]) -> list[str]:
    """Add ``names`` to the pass's tags; the ones it did not carry yet, in the order sent."""
    pass_ = await pass_service.get(session, account, locator)
    await repository.lock_pass(session, pass_.id)
    carried = {tag.name for tag in await repository.of_pass(session, pass_.id)}
    new = [name for name in dict.fromkeys(names) if name not in carried]
    if len(carried) + len(new) > MAX_TAGS:
        message = (
            f"a pass carries at most {MAX_TAGS} tags; pass {pass_.id} has {len(carried)} and this request "
            f"adds {len(new)} more"
        )
        raise TooManyTags(
            f"Invalid request. tags: {message}",
            details=[{"field": "tags", "location": "body", "message": message}],
        )
    if new:
        await repository.add(session, account.id, pass_.id, new)
    return new


async def page(session: AsyncSession, account: Account, request: PageRequest) -> tuple[Sequence[Tag], int]:
    return await repository.page(session, account.id, request)


async def delete(session: AsyncSession, account: Account, tag: str) -> tuple[int, int]:
    """Delete the tag and take it off every pass: its id, and how many passes carried it."""
    found = await find(session, account, tag)
    count = await repository.untag_all(session, found.id)
    await repository.remove(session, found)
    return found.id, count


async def untag_all(session: AsyncSession, account: Account, tag: str) -> tuple[int, int]:
    """Take the tag off every pass, keeping the tag: its id, and how many passes carried it."""
    found = await find(session, account, tag)
    return found.id, await repository.untag_all(session, found.id)


async def untag_pass(
    session: AsyncSession, account: Account, tag: str, locator: PassLocator
) -> tuple[int, int]:
    """Take the tag off one pass: the pass's id and the tag's; 404 when the pass does not carry it."""
    found = await find(session, account, tag)
    pass_ = await pass_service.get(session, account, locator)
    if not await repository.carries(session, pass_.id, found.id):
        raise TagNotFound(f"Pass {locator} does not carry tag '{found.name}'")
    await repository.untag_pass(session, pass_.id, found.id)
    return pass_.id, found.id


async def passes(
    session: AsyncSession, account: Account, tag: str, request: PageRequest, status: InstallStatus | None
) -> PassPage:
    found = await find(session, account, tag)
    where = pass_repository.carrying_tag(found.id)
    return await pass_service.list_passes(session, account, request, status=status, where=where)


async def update_passes(
    session: AsyncSession, account: Account, tag: str, body: FieldsChange, images: ImageSource
) -> Ticket:
    """Change every pass carrying the tag, in jobs, through the bulk change (a ticket counts it)."""
    found = await find(session, account, tag)
    return await bulk.update_audience_passes(
        session,
        account,
        Tags((found.name,)),
        body.as_body(),
        images,
        project_id=None,
        operation=UPDATE_OPERATION,
    )
