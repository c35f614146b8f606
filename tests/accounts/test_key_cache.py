"""The API-key cache: a verified key skips its lookup, a revoked key stops within the delay, a wrong
secret never gets a remembered account."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.accounts import service as account_service
from passmint.accounts.cache import KeyCache
from passmint.config import Settings
from passmint.db import Database
from passmint.models import Account
from tests.conftest import basic
from tests.support.clock import AheadClock
from tests.support.statements import handoffs, statements


def key_lookups(sent: list[str]) -> list[str]:
    return [statement for statement in sent if "api_keys" in statement]


async def new_key(session: AsyncSession) -> tuple[str, dict[str, str]]:
    """A new key, and the headers that send it with its secret."""
    issued = await account_service.create_key(session, name="cached")
    await session.commit()
    return issued.api_key.key, basic(issued.api_key.key, issued.secret)


class TestThroughTheApi:
    async def test_a_verified_key_is_not_looked_up_again(
        self, anonymous: httpx.AsyncClient, session: AsyncSession, database: Database
    ) -> None:
        _, headers = await new_key(session)
        with statements(database) as first:
            assert (await anonymous.get("/v1/project", headers=headers)).status_code == 200
        with statements(database) as second:
            assert (await anonymous.get("/v1/project", headers=headers)).status_code == 200
        assert len(key_lookups(first)) == 1
        assert key_lookups(second) == []

    async def test_a_key_is_looked_up_without_a_hand_off(
        self, anonymous: httpx.AsyncClient, session: AsyncSession, database: Database
    ) -> None:
        """Issue 13: the key's lookup, by its unique value, is a point lookup (as is a pass's by its id):
        on SQLite neither makes a hand-off to the connection's thread."""
        _, headers = await new_key(session)
        with statements(database) as sent, handoffs() as trips:
            assert (await anonymous.get("/v1/pass/1", headers=headers)).status_code == 404
        assert len(key_lookups(sent)) == 1 and len(sent) == 2, "\n\n".join(sent)
        assert trips == []

    async def test_a_revoked_key_is_refused_once_the_delay_has_passed(
        self,
        anonymous: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        utc_clock: AheadClock,
    ) -> None:
        key, headers = await new_key(session)
        assert (await anonymous.get("/v1/project", headers=headers)).status_code == 200
        await account_service.revoke_key(session, key)
        await session.commit()
        utc_clock.advance(settings.api_key_cache_seconds)
        assert (await anonymous.get("/v1/project", headers=headers)).status_code == 401

    async def test_a_wrong_secret_for_a_remembered_key_is_refused(
        self, anonymous: httpx.AsyncClient, session: AsyncSession, database: Database
    ) -> None:
        key, headers = await new_key(session)
        assert (await anonymous.get("/v1/project", headers=headers)).status_code == 200
        wrong = basic(key, "not-the-secret")
        with statements(database) as sent:
            response = await anonymous.get("/v1/project", headers=wrong)
        assert response.status_code == 401
        assert len(key_lookups(sent)) == 1  # checked against the database, not the cache
        assert (await anonymous.get("/v1/project", headers=headers)).status_code == 200


class TestKeyCache:
    account = Account(id=1, name="a")

    def test_remembers_a_key_with_its_secret_only(self) -> None:
        cache = KeyCache(5)
        cache.put("key", "secret", self.account)
        assert cache.get("key", "secret") is self.account
        assert cache.get("key", "secreT") is None
        assert cache.get("key", "") is None
        assert cache.get("other", "secret") is None

    def test_forgets_after_its_seconds(self, utc_clock: AheadClock) -> None:
        cache = KeyCache(5)
        cache.put("key", "secret", self.account)
        utc_clock.advance(4)
        assert cache.get("key", "secret") is self.account
        utc_clock.advance(1)
        assert cache.get("key", "secret") is None

    def test_zero_seconds_remembers_nothing(self) -> None:
        cache = KeyCache(0)
        cache.put("key", "secret", self.account)
        assert cache.get("key", "secret") is None

    def test_bounded_in_size(self) -> None:
        cache = KeyCache(5, max_keys=2)
        for key in ("a", "b", "c"):
            cache.put(key, "secret", self.account)
        assert cache.get("a", "secret") is None
        assert cache.get("c", "secret") is self.account
