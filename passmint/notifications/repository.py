"""SQL for notifications: tags named by id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.models import Tag


async def tag_name(session: AsyncSession, account_id: int, tag_id: int) -> str | None:
    """The name of the account's tag ``tag_id``, if it has one."""
    return await session.scalar(select(Tag.name).where(Tag.account_id == account_id, Tag.id == tag_id))
