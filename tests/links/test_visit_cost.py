"""What each form of visit costs in SQL statements, pinned: a statement added to a path fails its test
(issue 16, "Scale": one indexed lookup and one insert at most; see docs/decisions.md)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from passmint.db import Database
from tests.links.conftest import ANDROID, DESKTOP, IPHONE, MakeLink, local
from tests.support.statements import statements

LOOKUP = "SELECT adaptive_links"
MADE = [
    LOOKUP,
    "UPDATE adaptive_links",  # a pass taken from availablePasses (and an install counted), one statement
    "INSERT passes",
    "INSERT stats_daily",  # the pass's counters, in the same transaction (see docs/decisions.md)
    "INSERT stats_templates",  # on PostgreSQL, one statement with the day's (``counters.add_created``)
    "INSERT adaptive_link_passes",  # the link made this pass (its passes list)
]


def made(database: Database) -> list[str]:
    """``MADE`` as sent to ``database``: on PostgreSQL the two counter upserts are one statement."""
    if database.is_sqlite:
        return MADE
    counters = MADE.index("INSERT stats_daily")
    return [*MADE[:counters], "WITH created_day", *MADE[counters + 2 :]]


def numbered(database: Database) -> list[str]:
    """At commit, every new pass gets its change number (``changes``: what wallets sync from): on
    SQLite the insert took it, and the clock ticks; on PostgreSQL the tick and the stamp are one
    statement (``WITH tick AS (UPDATE change_clock ...) UPDATE passes ...``)."""
    return ["UPDATE change_clock"] if database.is_sqlite else ["WITH tick"]


def kind(sql: str) -> str:
    """``SELECT table`` (the first column's table), ``INSERT table`` or ``UPDATE table``."""
    words = sql.split()
    if words[0] == "SELECT":
        return f"SELECT {words[1].split('.')[0]}"
    return f"{words[0]} {words[2] if words[0] == 'INSERT' else words[1]}"


async def cost(
    anonymous: httpx.AsyncClient, database: Database, url: str, headers: dict[str, str], status: int
) -> list[str]:
    """The statements of a visit, after two visits made (and kept) what a repeat visit reuses."""
    for _ in range(2):
        assert (await anonymous.get(url, headers=headers)).status_code == status
    with statements(database) as sent:
        answer = await anonymous.get(url, headers=headers)
    assert answer.status_code == status, answer.text
    return [kind(sql) for sql in sent]


class TestSharedPass:
    @pytest.mark.parametrize(
        ("form", "headers", "status"), [("iosUrl", IPHONE, 200), ("androidUrl", ANDROID, 302),
        ("url", DESKTOP, 200)],
    )  # fmt: skip
    async def test_a_repeat_visit_is_the_one_lookup(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database, form: str,
        headers: dict[str, str], status: int,
    ) -> None:  # fmt: skip
        """The iPhone's signed file, the Android phone's save link, the landing page: kept by stamp."""
        link = await make_link()
        assert await cost(anonymous, database, local(link[form]), headers, status) == [LOOKUP]

    @pytest.mark.parametrize(
        ("form", "headers", "status"), [("iosUrl", IPHONE, 200), ("androidUrl", ANDROID, 302)]
    )
    async def test_a_query_that_sets_no_values_is_the_one_lookup(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database, form: str,
        headers: dict[str, str], status: int,
    ) -> None:  # fmt: skip
        """A campaign's parameters (``utm_source``) leave the shared pass as it is."""
        link = await make_link()
        url = local(link[form]) + "?utm_source=poster&utm_medium=print"
        assert await cost(anonymous, database, url, headers, status) == [LOOKUP]

    async def test_a_personalised_links_page_is_the_one_lookup_and_stays_private(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database
    ) -> None:
        link = await make_link(isPersonalized=True)
        assert await cost(anonymous, database, local(link["url"]), DESKTOP, 200) == [LOOKUP]
        page = await anonymous.get(local(link["url"]), headers=DESKTOP)
        assert page.headers["cache-control"].startswith("private")

    async def test_a_revalidated_page_is_the_one_lookup(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database
    ) -> None:
        link = await make_link()
        views = [await anonymous.get(local(link["url"]), headers=DESKTOP) for _ in range(2)]
        headers = DESKTOP | {"If-None-Match": views[-1].headers["etag"]}
        assert await cost(anonymous, database, local(link["url"]), headers, 304) == [LOOKUP]

    @pytest.mark.parametrize(("headers", "status"), [(IPHONE, 200), (ANDROID, 302)])
    async def test_several_links_at_once_are_the_one_lookup(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database,
        headers: dict[str, str], status: int,
    ) -> None:  # fmt: skip
        ids = ",".join([(await make_link())["adaptiveLinkId"] for _ in range(2)])
        sent = await cost(anonymous, database, f"/v1/pass/adaptive?ids={ids}", headers, status)
        assert sent == [LOOKUP]

    async def test_an_install_limited_visit_is_the_lookup_and_one_conditional_write(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database
    ) -> None:
        link = await make_link(installLimit=100)
        sent = await cost(anonymous, database, local(link["iosUrl"]), IPHONE, 200)
        assert sent == [LOOKUP, "UPDATE adaptive_links"]


class TestInstallLimit:
    async def test_racing_visits_install_exactly_the_limit(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink
    ) -> None:
        """The count is one conditional update: racing visits (kept file or not) never pass the limit."""
        link = await make_link(installLimit=5)
        first = await anonymous.get(local(link["iosUrl"]), headers=IPHONE)
        assert first.status_code == 200
        answers = await asyncio.gather(
            *(anonymous.get(local(link["iosUrl"]), headers=IPHONE) for _ in range(8))
        )
        assert sorted(answer.status_code for answer in answers) == [200] * 4 + [410] * 4
        read = (await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}")).json()
        assert read["installLimit"] == 5


class TestNewPass:
    @pytest.mark.parametrize(
        ("form", "headers", "status"), [("iosUrl", IPHONE, 200), ("androidUrl", ANDROID, 302)]
    )
    async def test_a_personalised_visit_is_the_lookup_and_the_pass_it_makes(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database, form: str,
        headers: dict[str, str], status: int,
    ) -> None:  # fmt: skip
        link = await make_link(isPersonalized=True)
        sent = await cost(anonymous, database, local(link[form]), headers, status)
        assert sent == made(database) + numbered(database)

    async def test_a_visit_whose_query_sets_values_is_the_lookup_and_the_pass_it_makes(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database
    ) -> None:
        link = await make_link()
        url = local(link["iosUrl"]) + "?Coupon=20%25&barcode=ABC"
        sent = await cost(anonymous, database, url, IPHONE, 200)
        assert sent == made(database) + numbered(database)

    async def test_a_repeat_visit_with_an_external_id_hands_out_its_pass(
        self, anonymous: httpx.AsyncClient, make_link: MakeLink, database: Database
    ) -> None:
        link = await make_link()
        sent = await cost(anonymous, database, local(link["iosUrl"]) + "?exid=guest-1", IPHONE, 200)
        assert sent == [LOOKUP, "SELECT passes", "UPDATE adaptive_link_passes"]
