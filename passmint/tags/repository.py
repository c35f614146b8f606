"""SQL for tags: an account's tags, the tags of a pass, the passes of a tag."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.pagination import PageRequest, paginate
from passmint.kit.sql import insert_for
from passmint.kit.time import utcnow
from passmint.models import Pass, PassTag, Tag

TAG_SORT = {"id": Tag.id, "createdAt": Tag.created_at}


async def by_name(session: AsyncSession, account_id: int, name: str) -> Tag | None:
    return await session.scalar(select(Tag).where(Tag.account_id == account_id, Tag.name == name))


async def by_id(session: AsyncSession, account_id: int, tag_id: int) -> Tag | None:
    return await session.scalar(select(Tag).where(Tag.account_id == account_id, Tag.id == tag_id))


async def page(session: AsyncSession, account_id: int, request: PageRequest) -> tuple[Sequence[Tag], int]:
    return await paginate(session, select(Tag).where(Tag.account_id == account_id), request, TAG_SORT)


async def of_pass(session: AsyncSession, pass_id: int) -> Sequence[Tag]:
    """The pass's tags, oldest first."""
    statement = select(Tag).join(PassTag, PassTag.tag_id == Tag.id).where(PassTag.pass_id == pass_id)
    return (await session.scalars(statement.order_by(Tag.id))).all()


async def lock_pass(session: AsyncSession, pass_id: int) -> None:
    """Hold the pass's row until commit (PostgreSQL), so two requests adding tags to it take turns and
    neither can take it past the limit; SQLite writes one transaction at a time anyway."""
    await session.execute(select(Pass.id).where(Pass.id == pass_id).with_for_update())


async def add(session: AsyncSession, account_id: int, pass_id: int, names: Sequence[str]) -> None:
    """Put these tags on the pass, creating the account's tags that do not exist yet (``ON CONFLICT``, so
    requests creating the same tag at once all succeed)."""
    wanted = sorted(set(names))
    now = utcnow()
    await session.execute(
        insert_for(session, Tag)
        .values([{"account_id": account_id, "name": name, "created_at": now} for name in wanted])
        .on_conflict_do_nothing(index_elements=["account_id", "name"])
    )
    tag_ids = await session.scalars(select(Tag.id).where(Tag.account_id == account_id, Tag.name.in_(wanted)))
    await session.execute(
        insert_for(session, PassTag)
        .values([{"pass_id": pass_id, "tag_id": tag_id} for tag_id in tag_ids])
        .on_conflict_do_nothing(index_elements=["pass_id", "tag_id"])
    )


async def carries(session: AsyncSession, pass_id: int, tag_id: int) -> bool:
    found = await session.scalar(
        select(PassTag.pass_id).where(PassTag.pass_id == pass_id, PassTag.tag_id == tag_id)
    )
    return found is not None


async def untag_pass(session: AsyncSession, pass_id: int, tag_id: int) -> None:
    await session.execute(delete(PassTag).where(PassTag.pass_id == pass_id, PassTag.tag_id == tag_id))


async def untag_all(session: AsyncSession, tag_id: int) -> int:
    """Take the tag off every pass; how many passes carried it."""
    count = await session.scalar(select(func.count()).where(PassTag.tag_id == tag_id)) or 0
    await session.execute(delete(PassTag).where(PassTag.tag_id == tag_id))
    return int(count)


async def remove(session: AsyncSession, tag: Tag) -> None:
    await session.delete(tag)
    await session.flush()
