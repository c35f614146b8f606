"""The change clock as a hook of the transaction: a change commits with its effects, or not at all."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from passmint import changes
from passmint.app import BEFORE_COMMIT
from passmint.changes import Change, Publisher
from passmint.db import Database
from passmint.models import ChangeClock, Pass, Template
from tests.factories import create_pass


@pytest.fixture
async def pass_id(api: httpx.AsyncClient, template_id: int) -> int:
    return int((await create_pass(api, template_id))["id"])


async def opened(database: Database, *hooks: Publisher) -> AsyncIterator[Database]:
    other = Database(database.url.render_as_string(hide_password=False), before_commit=hooks)
    yield other
    await other.dispose()


async def clock(database: Database) -> int:
    async with database.transaction() as session:
        return int((await session.scalars(select(ChangeClock.value))).one())


class TestPublisher:
    def test_the_app_publishes_changes_to_the_pushes(self) -> None:
        [publisher] = BEFORE_COMMIT
        assert isinstance(publisher, Publisher)
        assert [subscriber.__module__ for subscriber in publisher.subscribers] == [
            "passmint.pushes.planning",
            "passmint.googleapi.planning",
        ]

    async def test_a_transaction_that_publishes_no_changes_refuses_to_mark_one(
        self, database: Database, pass_id: int
    ) -> None:
        async for bare in opened(database):
            async with bare.transaction() as session:
                with pytest.raises(RuntimeError, match="publishes no changes"):
                    changes.mark_passes(session, [pass_id])
                with pytest.raises(RuntimeError, match="publishes no changes"):
                    changes.mark_template(session, 1)

    async def test_subscribers_see_the_change_in_its_transaction_before_it_is_numbered(
        self, database: Database, pass_id: int
    ) -> None:
        seen: list[tuple[Change, int]] = []

        async def subscriber(session: object, change: Change) -> None:
            seen.append((change, await clock(database)))

        before = await clock(database)
        async for other in opened(database, Publisher(subscriber)):
            async with other.transaction() as session:
                changes.mark_passes(session, [pass_id], ticket_id=None)
        assert seen == [(Change({pass_id: None}, frozenset()), before)]
        assert await clock(database) == before + 1

    async def test_a_failing_subscriber_rolls_the_change_back(self, database: Database, pass_id: int) -> None:
        async def failing(_session: object, _change: Change) -> None:
            raise ValueError("the pushes could not be queued")

        before = await clock(database)
        async with database.transaction() as session:
            original = (await session.get(Pass, pass_id)).values  # type: ignore[union-attr]
        async for other in opened(database, Publisher(failing)):
            with pytest.raises(ValueError, match="could not be queued"):
                async with other.transaction() as session:
                    pass_ = await session.get(Pass, pass_id)
                    assert pass_ is not None
                    pass_.values = {**pass_.values, "fields": {"Coupon": {"value": "99%"}}}
                    changes.mark_passes(session, [pass_id])
        async with database.transaction() as session:
            kept = await session.get(Pass, pass_id)
            assert kept is not None
            assert kept.values == original
        assert await clock(database) == before


class TestNumbers:
    async def test_a_new_pass_has_the_number_of_its_transactions_tick(
        self, api: httpx.AsyncClient, template_id: int, database: Database
    ) -> None:
        """On SQLite the insert takes the number, on PostgreSQL the tick stamps it: either way the pass
        made is numbered with the clock's value its transaction committed, above every earlier one."""
        for _ in range(2):
            before = await clock(database)
            made = await create_pass(api, template_id)
            async with database.transaction() as session:
                stored = await session.get(Pass, made["id"])
            assert stored is not None
            assert stored.change_seq == await clock(database) == before + 1

    async def test_passes_and_templates_changed_together_share_one_number(
        self, database: Database, pass_id: int, template_id: int
    ) -> None:
        """A transaction that changes a pass and a whole template ticks once and stamps both."""
        before = await clock(database)
        async with database.transaction() as session:
            changes.mark_passes(session, [pass_id])
            changes.mark_template(session, template_id)
        async with database.transaction() as session:
            stored = await session.get(Pass, pass_id)
            template = await session.get(Template, template_id)
        assert stored is not None and template is not None
        assert stored.change_seq == template.change_seq == await clock(database) == before + 1
