"""Secrets sealed at rest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passmint.kit.crypto import SealedDataUnreadable, SecretBox


@given(st.binary(max_size=4096), st.binary(max_size=64))
def test_round_trip(plaintext: bytes, context: bytes) -> None:
    box = SecretBox("secret", purpose="test")
    sealed = box.seal(plaintext, context=context)
    assert box.open(sealed, context=context) == plaintext


def test_each_seal_differs() -> None:
    box = SecretBox("secret", purpose="test")
    assert box.seal(b"key", context=b"1") != box.seal(b"key", context=b"1")


@pytest.mark.parametrize(
    ("secret", "purpose", "context"),
    [("other secret", "test", b"1"), ("secret", "other purpose", b"1"), ("secret", "test", b"2")],
)
def test_does_not_open_elsewhere(secret: str, purpose: str, context: bytes) -> None:
    sealed = SecretBox("secret", purpose="test").seal(b"private key", context=b"1")
    with pytest.raises(SealedDataUnreadable):
        SecretBox(secret, purpose=purpose).open(sealed, context=context)


def test_tampering_is_detected() -> None:
    box = SecretBox("secret", purpose="test")
    sealed = bytearray(box.seal(b"private key", context=b"1"))
    sealed[-1] ^= 1
    with pytest.raises(SealedDataUnreadable):
        box.open(bytes(sealed), context=b"1")
