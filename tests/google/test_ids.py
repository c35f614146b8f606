"""Class and object ids: what passmint makes reads back; ids it did not make name no pass."""

from __future__ import annotations

import pytest

from passmint.google.ids import class_id, object_id, pass_id_of


def test_ids_carry_the_issuer_and_read_back() -> None:
    assert class_id("3388", 12) == "3388.t12"
    assert pass_id_of(object_id("3388", 907)) == ("3388", 907)


@pytest.mark.parametrize("foreign", ["3388.t12", "3388.pass-907", "x.p1", "3388.p", "3388.p9\n"])
def test_ids_passmint_did_not_make_name_no_pass(foreign: str) -> None:
    assert pass_id_of(foreign) is None
