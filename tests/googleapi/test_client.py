"""The walletobjects client against the stand-in: tokens, Google's errors, inserts, batches, the rate."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest

from passmint.db import Database
from passmint.google import ServiceAccount
from passmint.googleapi import limiter
from passmint.googleapi.batch import Part
from passmint.googleapi.client import GoogleClient
from passmint.googleapi.errors import GoogleApiError
from passmint.googleapi.tokens import Tokens
from tests.googleapi.conftest import ISSUER, generic_class, generic_object
from tests.support.google_standin import GoogleStandin

CLASS = f"{ISSUER}.t1"


@pytest.fixture
async def client(
    standin: GoogleStandin, service_account: ServiceAccount, database: Database
) -> AsyncIterator[GoogleClient]:
    async with httpx.AsyncClient() as http:
        yield GoogleClient(
            http, Tokens(standin.token_url), service_account, "test", standin.api_url, 1000.0, database.engine
        )


class TestClient:
    async def test_one_token_serves_many_calls(self, client: GoogleClient, standin: GoogleStandin) -> None:
        await client.insert_class("genericClass", generic_class(CLASS))
        for number in range(3):
            await client.insert_object("genericObject", generic_object(f"{ISSUER}.p{number}", CLASS))
        assert len(standin.tokens) == 1

    async def test_a_refused_token_is_fetched_again(
        self, client: GoogleClient, standin: GoogleStandin
    ) -> None:
        await client.insert_class("genericClass", generic_class(CLASS))
        standin.tokens.clear()  # Google forgot it
        await client.update_class("genericClass", CLASS, generic_class(CLASS))
        assert len(standin.tokens) == 1

    async def test_insert_of_an_existing_resource_updates_it(
        self, client: GoogleClient, standin: GoogleStandin
    ) -> None:
        await client.insert_class("genericClass", generic_class(CLASS))
        await client.insert_object("genericObject", generic_object(f"{ISSUER}.p1", CLASS))
        await client.insert_object("genericObject", generic_object(f"{ISSUER}.p1", CLASS, header="Again"))
        found = standin.resource("genericObject", f"{ISSUER}.p1")
        assert found is not None and found["header"]["defaultValue"]["value"] == "Again"
        assert [call.status for call in standin.calls_of("POST", "genericObject")] == [200, 409]

    async def test_googles_errors_are_decoded(self, client: GoogleClient) -> None:
        with pytest.raises(GoogleApiError) as missing:
            await client.patch_object("genericObject", f"{ISSUER}.p404", {"state": "INACTIVE"})
        assert (missing.value.status, missing.value.reason, missing.value.retried) == (
            404,
            "resourceNotFound",
            False,
        )
        with pytest.raises(GoogleApiError) as invalid:
            await client.insert_class("genericClass", {"id": CLASS, "colour": "red"})
        assert invalid.value.status == 400 and "colour" in invalid.value.message

    async def test_a_batch_answers_each_part(self, client: GoogleClient, standin: GoogleStandin) -> None:
        await client.insert_class("genericClass", generic_class(CLASS))
        await client.insert_object("genericObject", generic_object(f"{ISSUER}.p1", CLASS))
        standin.fail_next = []
        answers = await client.batch(
            [
                Part("PATCH", f"/walletobjects/v1/genericObject/{ISSUER}.p1", {"state": "INACTIVE"}),
                Part("PATCH", f"/walletobjects/v1/genericObject/{ISSUER}.p2", {"state": "INACTIVE"}),
                Part("PATCH", f"/walletobjects/v1/genericObject/{ISSUER}.p1", {"barcode": {"type": "QR"}}),
            ]
        )
        assert [answer.status for answer in answers] == [200, 404, 400]
        found = standin.resource("genericObject", f"{ISSUER}.p1")
        assert found is not None and found["state"] == "INACTIVE"

    async def test_server_failures_are_to_be_retried(
        self, client: GoogleClient, standin: GoogleStandin
    ) -> None:
        standin.fail_next = [503]
        with pytest.raises(GoogleApiError) as failed:
            await client.insert_class("genericClass", generic_class(CLASS))
        assert failed.value.retried


class TestLimiter:
    async def test_claims_are_spaced_by_the_rate_after_a_seconds_burst(self, database: Database) -> None:
        rps = 50.0
        started = time.monotonic()
        waits = [await limiter.acquire(database.engine, "limiter-test", 10, rps) for _ in range(8)]
        assert waits[0] == 0.0 and waits[1] == 0.0  # the first second's budget goes at once
        assert waits[-1] > 0.0
        assert time.monotonic() - started >= (80 - rps * limiter.BURST) / rps - 0.05  # then the rate
