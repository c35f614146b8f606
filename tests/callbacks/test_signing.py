"""Standard Webhooks signatures: the HMAC computed independently, the specification's vector, verification."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from passmint.callbacks import signing

KEY = bytes(range(24))
SECRET = "whsec_" + base64.b64encode(KEY).decode()
DELIVERY_ID = "6f1c8e52-54d7-4a30-9b8e-1f0c2d3e4a5b"
TIMESTAMP = 1_700_000_000
BODY = b'{"passId":1,"platform":"ios"}'


def expected_signature() -> str:
    """Computed here, from the definition: HMAC-SHA256 of ``id.timestamp.body`` under the decoded key."""
    message = DELIVERY_ID.encode() + b"." + str(TIMESTAMP).encode() + b"." + BODY
    return "v1," + base64.b64encode(hmac.new(KEY, message, hashlib.sha256).digest()).decode()


class TestSign:
    def test_matches_an_independent_computation(self) -> None:
        assert signing.sign(SECRET, DELIVERY_ID, TIMESTAMP, BODY) == expected_signature()

    def test_matches_the_standard_webhooks_specification_vector(self) -> None:
        signature = signing.sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
            b'{"test": 2432232314}',
        )  # fmt: skip
        assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    def test_the_prefix_is_optional(self) -> None:
        bare = SECRET.removeprefix("whsec_")
        assert signing.sign(bare, DELIVERY_ID, TIMESTAMP, BODY) == expected_signature()

    def test_a_secret_that_is_not_base64_is_refused(self) -> None:
        with pytest.raises(ValueError, match="base64"):
            signing.sign("whsec_not base64!", DELIVERY_ID, TIMESTAMP, BODY)


class TestVerify:
    def test_accepts_its_own_signature(self) -> None:
        assert signing.verify(SECRET, DELIVERY_ID, TIMESTAMP, BODY, expected_signature())

    @pytest.mark.parametrize(
        ("delivery_id", "timestamp", "body"),
        [
            ("another-id", TIMESTAMP, BODY),
            (DELIVERY_ID, TIMESTAMP + 1, BODY),
            (DELIVERY_ID, TIMESTAMP, BODY + b" "),
        ],
    )
    def test_refuses_any_change(self, delivery_id: str, timestamp: int, body: bytes) -> None:
        assert not signing.verify(SECRET, delivery_id, timestamp, body, expected_signature())

    def test_refuses_another_secret(self) -> None:
        assert not signing.verify(signing.new_secret(), DELIVERY_ID, TIMESTAMP, BODY, expected_signature())

    def test_one_good_signature_among_several_is_enough(self) -> None:
        header = f"v1,AAAA {expected_signature()}"
        assert signing.verify(SECRET, DELIVERY_ID, TIMESTAMP, BODY, header)
        assert not signing.verify(SECRET, DELIVERY_ID, TIMESTAMP, BODY, "v1,AAAA v1,BBBB")

    def test_an_old_timestamp_is_refused_when_the_time_is_given(self) -> None:
        good = expected_signature()
        assert signing.verify(SECRET, DELIVERY_ID, TIMESTAMP, BODY, good, now=TIMESTAMP + 300)
        assert not signing.verify(SECRET, DELIVERY_ID, TIMESTAMP, BODY, good, now=TIMESTAMP + 301)
        assert not signing.verify(SECRET, DELIVERY_ID, TIMESTAMP, BODY, good, now=TIMESTAMP - 301)


def test_new_secrets_are_24_random_bytes() -> None:
    first, second = signing.new_secret(), signing.new_secret()
    assert first.startswith("whsec_") and first != second
    assert len(signing.secret_key(first)) == 24
