"""Verifying Google Wallet's signed save and delete callbacks (the pure engine, no database or web)."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from passmint.google.callbacks import (
    Envelope,
    RootKey,
    parse_root_keys,
    signed_data,
    verify,
)
from passmint.google.errors import GoogleCallbackRefused, UnknownSigningKey
from tests.callbacks import Receiver
from tests.support.google_callbacks import DAY_MS, GoogleCallbackSender, now_ms

ISSUER = "3388000000000012345"
CLASS_ID = f"{ISSUER}.t7"
OBJECT_ID = f"{ISSUER}.p42"


def envelope_of(body: dict[str, Any]) -> Envelope:
    key = body["intermediateSigningKey"]
    signatures = tuple(key["signatures"])
    return Envelope(
        body["signature"], key["signedKey"], signatures, body["protocolVersion"], body["signedMessage"]
    )


def checked(
    sender: GoogleCallbackSender, body: dict[str, Any], *, recipient: str = ISSUER, at: int | None = None
) -> Any:
    keys = parse_root_keys(sender.keys_document())
    return verify(envelope_of(body), keys, recipient=recipient, now_ms=at or now_ms())


@pytest.fixture
def google() -> GoogleCallbackSender:
    return GoogleCallbackSender()


class TestSignedData:
    def test_each_part_is_prefixed_with_its_utf8_length_little_endian(self) -> None:
        assert signed_data("ab", "", "é") == b"\x02\x00\x00\x00ab\x00\x00\x00\x00\x02\x00\x00\x00\xc3\xa9"


class TestVerified:
    def test_a_save_signed_as_google_signs_it(self, google: GoogleCallbackSender) -> None:
        body = google.callback(CLASS_ID, OBJECT_ID, "save", nonce="n-1", count=1)
        message = checked(google, body)
        assert (message.class_id, message.object_id, message.event, message.nonce, message.count) == (
            CLASS_ID, OBJECT_ID, "save", "n-1", 1,
        )  # fmt: skip
        assert message.issuer_id == ISSUER

    def test_a_delete(self, google: GoogleCallbackSender) -> None:
        assert checked(google, google.callback(CLASS_ID, OBJECT_ID, "del")).event == "del"

    def test_the_newer_sender_id_too(self) -> None:
        google = GoogleCallbackSender(sender="GoogleWalletPasses")
        assert checked(google, google.callback(CLASS_ID, OBJECT_ID)).object_id == OBJECT_ID


class TestRefused:
    def test_a_message_changed_after_signing(self, google: GoogleCallbackSender) -> None:
        body = google.callback(CLASS_ID, OBJECT_ID, "save")
        body["signedMessage"] = body["signedMessage"].replace('"save"', '"del"')
        with pytest.raises(GoogleCallbackRefused, match="signature does not verify"):
            checked(google, body)

    def test_an_intermediate_key_no_google_root_key_signed(self, google: GoogleCallbackSender) -> None:
        forger = GoogleCallbackSender()  # keys of its own, not the ones Google publishes
        with pytest.raises(UnknownSigningKey):
            checked(google, forger.callback(CLASS_ID, OBJECT_ID))

    def test_an_intermediate_key_swapped_for_another(self, google: GoogleCallbackSender) -> None:
        body = google.callback(CLASS_ID, OBJECT_ID)
        body["intermediateSigningKey"] = GoogleCallbackSender(root=google.root).callback(CLASS_ID, OBJECT_ID)[
            "intermediateSigningKey"
        ]
        with pytest.raises(GoogleCallbackRefused, match="signature does not verify"):
            checked(google, body)

    def test_a_message_signed_for_another_issuer(self, google: GoogleCallbackSender) -> None:
        body = google.callback(CLASS_ID, OBJECT_ID, recipient="1111111111")
        with pytest.raises(GoogleCallbackRefused, match="signature does not verify"):
            checked(google, body)

    def test_an_unknown_sender_id(self) -> None:
        google = GoogleCallbackSender(sender="GooglePay")
        with pytest.raises(UnknownSigningKey):
            checked(google, google.callback(CLASS_ID, OBJECT_ID))

    def test_an_expired_intermediate_key(self) -> None:
        google = GoogleCallbackSender(key_expiration_ms=now_ms() - 1000)
        with pytest.raises(GoogleCallbackRefused, match="keyExpiration"):
            checked(google, google.callback(CLASS_ID, OBJECT_ID))

    def test_an_expired_root_key(self) -> None:
        google = GoogleCallbackSender(root_expiration_ms=now_ms() - 1000)
        with pytest.raises(UnknownSigningKey):
            checked(google, google.callback(CLASS_ID, OBJECT_ID))

    def test_an_expired_message(self, google: GoogleCallbackSender) -> None:
        body = google.callback(CLASS_ID, OBJECT_ID, expires_ms=now_ms() - 1)
        with pytest.raises(GoogleCallbackRefused, match="expTimeMillis"):
            checked(google, body)

    def test_a_message_checked_after_it_expires(self, google: GoogleCallbackSender) -> None:
        body = google.callback(CLASS_ID, OBJECT_ID)
        with pytest.raises(GoogleCallbackRefused, match="expTimeMillis"):
            checked(google, body, at=now_ms() + 2 * 3600 * 1000)

    def test_another_protocol(self, google: GoogleCallbackSender) -> None:
        body = google.callback(CLASS_ID, OBJECT_ID) | {"protocolVersion": "ECv2"}
        with pytest.raises(GoogleCallbackRefused, match="protocolVersion"):
            checked(google, body)

    @pytest.mark.parametrize(
        ("change", "named"),
        [
            ({"eventType": "update"}, "eventType"),
            ({"nonce": ""}, "nonce"),
            ({"nonce": "n" * 256}, "nonce"),
            ({"classId": 7}, "classId"),
            ({"expTimeMillis": "soon"}, "expTimeMillis"),
        ],
    )
    def test_a_message_missing_or_spoiling_a_field(
        self, google: GoogleCallbackSender, change: dict[str, Any], named: str
    ) -> None:
        body = google.callback(CLASS_ID, OBJECT_ID)
        body["signedMessage"] = json.dumps(json.loads(body["signedMessage"]) | change)
        with pytest.raises(GoogleCallbackRefused, match=named):
            checked(google, body)

    @pytest.mark.parametrize("text", ["not json", "[]", '"a string"'])
    def test_a_message_that_is_not_a_json_object(self, google: GoogleCallbackSender, text: str) -> None:
        body = google.callback(CLASS_ID, OBJECT_ID) | {"signedMessage": text}
        with pytest.raises(GoogleCallbackRefused, match="signedMessage"):
            checked(google, body)

    def test_signatures_that_are_not_base64(self, google: GoogleCallbackSender) -> None:
        body = google.callback(CLASS_ID, OBJECT_ID) | {"signature": "%%%"}
        with pytest.raises(GoogleCallbackRefused, match="signature"):
            checked(google, body)


class TestRootKeys:
    def test_keys_of_other_protocols_and_unreadable_ones_are_left_out(self) -> None:
        google = GoogleCallbackSender()
        [good] = google.keys_document()["keys"]
        document = {
            "keys": [
                good | {"protocolVersion": "ECv1"},
                good | {"keyValue": base64.b64encode(b"not a key").decode()},
                good | {"keyExpiration": "never"},
                good,
            ]
        }
        [key] = parse_root_keys(document)
        assert key.expires_ms == google.root_expiration_ms

    @pytest.mark.parametrize("document", [None, [], {"keys": "x"}, {"nothing": []}])
    def test_a_document_without_keys(self, document: Any) -> None:
        assert parse_root_keys(document) == []

    def test_a_root_key_without_expiry_does_not_expire(self) -> None:
        google = GoogleCallbackSender(root_expiration_ms=None)
        [key] = parse_root_keys(google.keys_document())
        assert key == RootKey(key.public_key, None)
        body = google.callback(CLASS_ID, OBJECT_ID, expires_ms=now_ms() + 3 * DAY_MS)
        assert checked(google, body, at=now_ms() + 2 * DAY_MS)


class TestStandIn:
    def test_serves_its_keys_and_posts_its_callbacks(self) -> None:
        google = GoogleCallbackSender()
        with google.serving(), Receiver() as receiver:
            assert httpx.get(google.keys_url).json() == google.keys_document()
            assert (
                google.send(receiver.url("/google/v1/callbacks"), CLASS_ID, OBJECT_ID, "del").status_code
                == 200
            )
        [request] = receiver.received
        assert request.path == "/google/v1/callbacks"
        assert checked(google, request.json()).event == "del"
        assert google.fetches == 1
