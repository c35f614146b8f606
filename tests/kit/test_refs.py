"""References by id or by external id."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from passmint.kit.refs import REF_PATTERN, Ref

external_ids = st.text(st.characters(blacklist_characters="/", blacklist_categories=("Cs",)), min_size=1)


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_numeric_id_round_trips(number: int) -> None:
    ref = Ref.parse(str(number))
    assert ref == Ref(id=number)
    assert str(ref) == str(number)


@given(external_ids)
def test_external_id_round_trips(external_id: str) -> None:
    ref = Ref.parse(f"id/{external_id}")
    assert ref == Ref(external_id=external_id)
    assert Ref.parse(str(ref)) == ref


@given(external_ids)
def test_pattern_matches_exactly_one_slot(external_id: str) -> None:
    pattern = re.compile(f"^(?:{REF_PATTERN})$")
    assert pattern.match(f"id/{external_id}")
    assert not pattern.match(f"id/{external_id}/more")


def test_pattern_leaves_literal_segments_to_other_routes() -> None:
    pattern = re.compile(f"^(?:{REF_PATTERN})$")
    for literal in ("headers", "duplicate", "id", "project"):
        assert not pattern.match(literal)
