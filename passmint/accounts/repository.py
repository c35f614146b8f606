"""SQL for accounts and API keys."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.sql import point_lookup
from passmint.models import Account, ApiKey


async def get_account(session: AsyncSession, account_id: int) -> Account | None:
    return await session.get(Account, account_id)


async def get_key(session: AsyncSession, key: str) -> ApiKey | None:
    return await session.scalar(select(ApiKey).where(ApiKey.key == key))


_KEY_WITH_ACCOUNT = point_lookup(
    select(ApiKey, Account)
    .join(Account, Account.id == ApiKey.account_id)
    .where(ApiKey.key == bindparam("key"))
)
"""A key by its unique value, with its account: every request whose key is not remembered reads it."""


async def get_key_with_account(session: AsyncSession, key: str) -> tuple[ApiKey, Account] | None:
    row = (await session.execute(_KEY_WITH_ACCOUNT, {"key": key})).first()
    return None if row is None else (row[0], row[1])


async def list_keys(session: AsyncSession) -> Sequence[tuple[ApiKey, Account]]:
    rows = await session.execute(
        select(ApiKey, Account).join(Account, Account.id == ApiKey.account_id).order_by(ApiKey.id)
    )
    return [(key, account) for key, account in rows]


async def add(session: AsyncSession, row: Account | ApiKey) -> None:
    session.add(row)
    await session.flush()
