"""Ids and page numbers from clients: ASCII digits only, and never beyond a 64-bit column."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passmint.kit.ids import MAX_ID, is_ascii_digits, parse_id


@given(st.integers(min_value=0, max_value=MAX_ID))
def test_every_storable_number_reads_back(number: int) -> None:
    assert parse_id(str(number)) == number


@pytest.mark.parametrize(
    "text",
    [str(MAX_ID + 1), str(2**64), "9" * 5000, "²", "١٢", "1²", "", "-1", "+1", " 1", "1 ", "0x10", "1_000"],
)
def test_what_is_not_an_id(text: str) -> None:
    assert parse_id(text) is None


def test_leading_zeros_are_the_same_number() -> None:
    assert parse_id("0" * 40 + "7") == 7


def test_ascii_digits_only() -> None:
    assert is_ascii_digits("0123456789")
    assert not any(is_ascii_digits(text) for text in ("²", "٣", "", "1.0", "½"))
