"""API keys: issue, authenticate, list and revoke."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.accounts import repository
from passmint.accounts.errors import AccountNotFound, ApiKeyNotFound, InvalidCredentials
from passmint.kit.security import hash_token, new_token, tokens_equal
from passmint.kit.time import utcnow
from passmint.models import Account, ApiKey

# Compared against when the key is unknown, so a wrong key and a wrong secret take the same time.
_NO_SUCH_SECRET_HASH = hash_token("no such key")


@dataclass(frozen=True)
class IssuedKey:
    """A new key with its secret in clear: the only time the secret is ever known."""

    account: Account
    api_key: ApiKey
    secret: str


async def create_key(session: AsyncSession, *, name: str, account_id: int | None = None) -> IssuedKey:
    """A key for an existing account, or for a new account named ``name`` when none is given."""
    if account_id is None:
        account = Account(name=name)
        await repository.add(session, account)
    else:
        found = await repository.get_account(session, account_id)
        if found is None:
            raise AccountNotFound(f"No account with id {account_id}")
        account = found
    secret = new_token()
    api_key = ApiKey(
        account_id=account.id, name=name, key=secrets.token_hex(12), secret_hash=hash_token(secret)
    )
    await repository.add(session, api_key)
    return IssuedKey(account=account, api_key=api_key, secret=secret)


async def authenticate(session: AsyncSession, key: str, secret: str) -> Account:
    """The account of a valid, unrevoked key whose secret matches; otherwise ``InvalidCredentials``."""
    found = await repository.get_key_with_account(session, key)
    expected = found[0].secret_hash if found else _NO_SUCH_SECRET_HASH
    if not tokens_equal(hash_token(secret), expected) or found is None or found[0].revoked_at is not None:
        raise InvalidCredentials("Invalid API key or secret, or the key was revoked")
    return found[1]


async def list_keys(session: AsyncSession) -> Sequence[tuple[ApiKey, Account]]:
    """Every key with its account, oldest first."""
    return await repository.list_keys(session)


async def revoke_key(session: AsyncSession, key: str) -> ApiKey:
    """Stop a key from authenticating; revoking twice keeps the first time."""
    api_key = await repository.get_key(session, key)
    if api_key is None:
        raise ApiKeyNotFound(f"No API key '{key}'")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
    return api_key
