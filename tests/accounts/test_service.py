"""API keys: issue, authenticate, revoke."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.accounts import service as account_service
from passmint.accounts.errors import AccountNotFound, ApiKeyNotFound, InvalidCredentials
from passmint.models import ApiKey


class TestCreateKey:
    async def test_new_account_per_key_by_default(self, session: AsyncSession) -> None:
        first = await account_service.create_key(session, name="shop")
        second = await account_service.create_key(session, name="other shop")
        assert first.account.id != second.account.id
        assert first.account.name == "shop"

    async def test_key_for_existing_account(self, session: AsyncSession) -> None:
        first = await account_service.create_key(session, name="shop")
        second = await account_service.create_key(session, name="ci", account_id=first.account.id)
        assert second.account.id == first.account.id
        assert second.api_key.key != first.api_key.key

    async def test_unknown_account(self, session: AsyncSession) -> None:
        with pytest.raises(AccountNotFound):
            await account_service.create_key(session, name="x", account_id=987654)

    async def test_secret_is_stored_only_hashed(self, session: AsyncSession) -> None:
        issued = await account_service.create_key(session, name="shop")
        stored = await session.scalar(select(ApiKey).where(ApiKey.key == issued.api_key.key))
        assert stored is not None
        assert issued.secret not in stored.secret_hash
        assert len(stored.secret_hash) == 64
        assert ":" not in issued.api_key.key and len(issued.secret) >= 40


class TestAuthenticate:
    async def test_right_secret(self, session: AsyncSession) -> None:
        issued = await account_service.create_key(session, name="shop")
        account = await account_service.authenticate(session, issued.api_key.key, issued.secret)
        assert account.id == issued.account.id

    @pytest.mark.parametrize("wrong", ["", "x", "secret-of-someone-else"])
    async def test_wrong_secret(self, session: AsyncSession, wrong: str) -> None:
        issued = await account_service.create_key(session, name="shop")
        with pytest.raises(InvalidCredentials):
            await account_service.authenticate(session, issued.api_key.key, wrong)

    async def test_revoked(self, session: AsyncSession) -> None:
        issued = await account_service.create_key(session, name="shop")
        revoked = await account_service.revoke_key(session, issued.api_key.key)
        assert revoked.revoked_at is not None
        with pytest.raises(InvalidCredentials):
            await account_service.authenticate(session, issued.api_key.key, issued.secret)

    async def test_revoking_twice_keeps_the_first_time(self, session: AsyncSession) -> None:
        issued = await account_service.create_key(session, name="shop")
        first = (await account_service.revoke_key(session, issued.api_key.key)).revoked_at
        second = (await account_service.revoke_key(session, issued.api_key.key)).revoked_at
        assert first == second

    async def test_revoke_unknown(self, session: AsyncSession) -> None:
        with pytest.raises(ApiKeyNotFound):
            await account_service.revoke_key(session, "no-such-key")


async def test_keys_never_look_like_command_options(session: AsyncSession) -> None:
    keys = [(await account_service.create_key(session, name=f"k{i}")).api_key.key for i in range(200)]
    assert not any(key.startswith("-") for key in keys)
    assert all(len(key) == 24 for key in keys)
