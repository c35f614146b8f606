"""What no database stores (NUL, lone surrogates, NaN and Infinity) is refused in every request body."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from passmint.kit.schemas import InputModel, unstorable


class Inner(InputModel):
    value: str | float | None = None


class Body(InputModel):
    name: str = "x"
    extra: dict[str, object] = {}
    items: list[Inner] = []


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("a\x00b", ("", "NUL")),
        ({"fields": {"Coupon": {"value": "a\x00"}}}, ("fields.Coupon.value", "NUL")),
        ({"tags": ["ok", "\ud800"]}, ("tags[1]", "surrogate")),
        ({"a\x00": 1}, ("(keys)", "NUL")),
        ([1.5, math.nan], ("[1]", "NaN")),
        ({"x": {"y": -math.inf}}, ("x.y", "Infinity")),
    ],
)
def test_finds_the_unstorable_part(value: object, found: tuple[str, str]) -> None:
    result = unstorable(value)
    assert result is not None
    assert result[0] == found[0] and found[1] in result[1]


def test_storable_values_pass() -> None:
    assert unstorable({"a": ["text", 1, 1.5, True, None, {"b": "\u00e9\U0001f600"}]}) is None


@pytest.mark.parametrize(
    "data",
    [
        {"name": "a\x00"},
        {"extra": {"deep": ["\x00"]}},
        {"items": [{"value": math.nan}]},
        {"items": [{"value": "\udfff"}]},
    ],
)
def test_input_models_refuse_them_by_field(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as raised:
        Body.model_validate(data)
    (problem,) = raised.value.errors()
    assert problem["type"] == "unstorable_value"
    assert problem["loc"][0] in data
