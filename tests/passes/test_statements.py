"""What the hot pass paths cost the database: the statements each sends and, on SQLite, its hand-offs to
the connection's thread (a point lookup makes none, an unbounded read one), pinned, and that none of them
is compiled again once a first request has compiled it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from passmint.db import Database
from tests.factories import create_pass
from tests.support.statements import compiled, handoffs, statements

PLAIN: dict[str, Any] = {"fields": {"Coupon": {"value": "10%"}}}
TAGGED_AND_PLACED: dict[str, Any] = PLAIN | {
    "tags": ["b", "a"],
    "locations": [{"latitude": 45.0, "longitude": -122.0}],
}


@pytest.mark.parametrize(("body", "count"), [(PLAIN, 1), (TAGGED_AND_PLACED, 3)], ids=["plain", "tagged"])
async def test_get_pass_statements(
    api: httpx.AsyncClient, template_id: int, database: Database, body: dict[str, Any], count: int
) -> None:
    """One statement for a pass with no tags or locations of its own (its API key remembered), a point
    lookup; one more for each of those it has."""
    created = await create_pass(api, template_id, body)
    assert (await api.get(f"/v1/pass/{created['id']}")).status_code == 200  # the key is remembered now
    with statements(database) as sent, handoffs() as trips:
        response = await api.get(f"/v1/pass/{created['id']}")
    assert response.status_code == 200
    assert len(sent) == count, "\n\n".join(sent)
    assert len(trips) == (count - 1 if database.is_sqlite else 0)
    read = response.json()
    assert (read["tags"], len(read["locations"])) == (
        (["a", "b"], 1) if body is TAGGED_AND_PLACED else ([], 0)
    )


async def test_create_pass_statements(api: httpx.AsyncClient, template_id: int, database: Database) -> None:
    """Creating a pass: its template with its project, the insert, the day's and the template's
    counters (one upsert each; one statement on PostgreSQL), and the change clock's tick (on SQLite the
    insert took its number; on PostgreSQL the tick and the stamp are one statement); no look for phones
    holding it (none can hold a pass made in this transaction)."""
    await create_pass(api, template_id, PLAIN)  # the key is remembered now
    with statements(database) as sent, handoffs() as trips:
        response = await api.post(f"/v1/pass/{template_id}", json=PLAIN)
    assert response.status_code == 200
    assert len(sent) == (5 if database.is_sqlite else 4), "\n\n".join(sent)
    assert trips == []  # the template's read is a point lookup, then the transaction writes
    assert not any("registrations" in statement for statement in sent)
    assert not any(statement.startswith("UPDATE passes") for statement in sent)


async def test_update_pass_statements(api: httpx.AsyncClient, template_id: int, database: Database) -> None:
    """Updating a pass: the pass with its template and project in one statement, the ticket, the
    update, one look by the planner of its wallet (Apple: the phones holding it; the Google planner,
    told the pass's vendor, looks for nothing), the ticket's count, and the change clock's tick (on
    SQLite the update took its number; on PostgreSQL the tick and the stamp are one statement)."""
    created = await create_pass(api, template_id, PLAIN)
    with statements(database) as sent, handoffs() as trips:
        response = await api.put(f"/v1/pass/{created['id']}", json={"fields": {"Coupon": {"value": "2%"}}})
    assert response.status_code == 200
    assert len(sent) == 6, "\n\n".join(sent)
    assert trips == []  # the pass's read is a point lookup, then the transaction writes
    assert not any("google_objects" in statement for statement in sent)


async def test_list_passes_statements(api: httpx.AsyncClient, template_id: int, database: Database) -> None:
    """Listing passes: how many there are, then the page with each pass's template vendor (its
    platform) in the same statement; neither is a point lookup (both go to SQLite's thread)."""
    for _ in range(2):
        await create_pass(api, template_id, PLAIN)
    assert (await api.get("/v1/pass")).status_code == 200  # the key is remembered now
    with statements(database) as sent, handoffs() as trips:
        response = await api.get("/v1/pass", params={"pageSize": 10})
    assert response.status_code == 200
    assert len(sent) == 2, "\n\n".join(sent)
    assert len(trips) == (2 if database.is_sqlite else 0)
    listed = response.json()
    assert listed["count"] == 2 and {read["platform"] for read in listed["passes"]} == {"ios"}


async def test_hot_paths_compile_nothing_twice(
    api: httpx.AsyncClient, template_id: int, database: Database
) -> None:
    """Get, create, update and list send only statements SQLAlchemy compiled before (a statement built
    anew each time, such as a counter upsert with its rows in ``.values()``, is compiled on every write)."""

    async def each_path(index: int) -> None:
        created = await create_pass(api, template_id, {"fields": {"Coupon": {"value": f"{index}%"}}})
        assert (await api.get(f"/v1/pass/{created['id']}")).status_code == 200
        update = {"fields": {"Coupon": {"value": f"{index + 1}%"}}}
        assert (await api.put(f"/v1/pass/{created['id']}", json=update)).status_code == 200
        assert (await api.get("/v1/pass", params={"pageSize": 10})).status_code == 200

    await each_path(1)
    with compiled(database) as fresh:
        await each_path(2)
    assert fresh == []
