"""The Google stand-in checked with Google's own Python client, built from the bundled discovery document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from google.oauth2 import service_account as google_service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from passmint.google import ServiceAccount, make_development_account
from tests.googleapi.conftest import ISSUER, generic_class, generic_object
from tests.support.google_standin import GoogleStandin


class Clients:
    """Google's clients made by a test, closed after it."""

    def __init__(self) -> None:
        self.made: list[Any] = []

    def real(self, standin: GoogleStandin, account: ServiceAccount) -> Any:
        self.made.append(real_client(standin, account))
        return self.made[-1]


@pytest.fixture
def clients() -> Iterator[Clients]:
    made = Clients()
    yield made
    for client in made.made:
        client.close()


def real_client(standin: GoogleStandin, account: ServiceAccount) -> Any:
    info = {
        "type": "service_account",
        "client_email": account.client_email,
        "private_key_id": account.private_key_id,
        "private_key": account.private_key_pem.decode(),
        "token_uri": standin.token_url,
    }
    credentials = google_service_account.Credentials.from_service_account_info(
        info, scopes=["https://www.googleapis.com/auth/wallet_object.issuer"]
    )
    return build(
        "walletobjects",
        "v1",
        credentials=credentials,
        static_discovery=True,
        client_options={"api_endpoint": standin.api_url},
    )


class TestWithGooglesClient:
    def test_insert_get_patch_and_add_a_message(
        self, standin: GoogleStandin, service_account: ServiceAccount, clients: Clients
    ) -> None:
        client = clients.real(standin, service_account)
        class_id, object_id = f"{ISSUER}.t1", f"{ISSUER}.p1"
        client.genericclass().insert(body=generic_class(class_id)).execute()
        client.genericobject().insert(body=generic_object(object_id, class_id)).execute()
        client.genericobject().patch(resourceId=object_id, body={"hexBackgroundColor": "#112233"}).execute()
        message = {"id": "m1", "header": "Hi", "body": "there", "messageType": "TEXT_AND_NOTIFY"}
        answer = client.genericobject().addmessage(resourceId=object_id, body={"message": message}).execute()
        assert answer["resource"]["messages"] == [message]
        got = client.genericobject().get(resourceId=object_id).execute()
        assert got["hexBackgroundColor"] == "#112233" and got["header"]["defaultValue"]["value"] == "Member"

    def test_missing_and_invalid_resources_answer_as_google_does(
        self, standin: GoogleStandin, service_account: ServiceAccount, clients: Clients
    ) -> None:
        client = clients.real(standin, service_account)
        with pytest.raises(HttpError) as missing:
            client.genericobject().get(resourceId=f"{ISSUER}.p404").execute()
        assert missing.value.resp.status == 404
        client.genericclass().insert(body=generic_class(f"{ISSUER}.t1")).execute()
        bad = generic_object(f"{ISSUER}.p1", f"{ISSUER}.t1") | {"barcode": {"type": "QR", "value": "1"}}
        with pytest.raises(HttpError) as invalid:
            client.genericobject().insert(body=bad).execute()
        assert invalid.value.resp.status == 400
        assert "barcode.type" in invalid.value.error_details[0]["message"]
        with pytest.raises(HttpError) as duplicate:
            client.genericclass().insert(body=generic_class(f"{ISSUER}.t1")).execute()
        assert duplicate.value.resp.status == 409

    def test_batches(self, standin: GoogleStandin, service_account: ServiceAccount, clients: Clients) -> None:
        client = clients.real(standin, service_account)
        client.genericclass().insert(body=generic_class(f"{ISSUER}.t1")).execute()
        answers: dict[str, Any] = {}

        def collect(request_id: str, response: Any, exception: Exception | None) -> None:
            answers[request_id] = exception or response

        batch = BatchHttpRequest(callback=collect, batch_uri=standin.url("/batch"))
        for number in range(3):
            batch.add(
                client.genericobject().insert(body=generic_object(f"{ISSUER}.p{number}", f"{ISSUER}.t1"))
            )
        batch.add(client.genericobject().patch(resourceId=f"{ISSUER}.p99", body={"state": "INACTIVE"}))
        batch.execute()
        assert [answers[str(n)]["id"] for n in range(1, 4)] == [f"{ISSUER}.p{n}" for n in range(3)]
        assert isinstance(answers["4"], HttpError) and answers["4"].resp.status == 404

    def test_tokens_only_for_trusted_accounts(self, standin: GoogleStandin, clients: Clients) -> None:
        stranger = make_development_account(ISSUER)
        client = clients.real(standin, stranger)
        with pytest.raises(Exception, match="invalid_grant"):
            client.genericclass().get(resourceId=f"{ISSUER}.t1").execute()


def test_keys_document_has_the_root_key(standin: GoogleStandin) -> None:
    keys = httpx.get(standin.keys_url).json()["keys"]
    assert keys[0]["protocolVersion"] == "ECv2SigningOnly"
