"""``passmint.audiences.parse``: the reference's selector read into a tree, its errors, ``as_json`` back."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passmint.audiences import (
    AllOf,
    AnyOf,
    Audience,
    Everyone,
    ExternalIds,
    Not,
    PassIds,
    Segments,
    Tags,
    TemplateIds,
    criteria_json,
    of_pass,
    of_tag,
    of_template,
    parse,
    parse_criteria,
)
from passmint.audiences.errors import AudienceInvalid
from passmint.audiences.parsing import MAX_DEPTH, MAX_VALUES
from passmint.errors import InvalidInput


def nested(depth: int) -> dict[str, Any]:
    selector: dict[str, Any] = {"tag": "a"}
    for _ in range(depth):
        selector = {"NOT": selector}
    return selector


class TestReading:
    def test_all_is_every_pass(self) -> None:
        assert parse("all") == Everyone()
        assert parse(" ALL ") == Everyone()

    def test_reference_examples(self) -> None:
        assert parse({"AND": [{"OR": [{"tag": "baseball"}, {"tag": "basketball"}]}, {"tag": "TZ_PST"}]}) == (
            AllOf((AnyOf((Tags(("baseball",)), Tags(("basketball",)))), Tags(("TZ_PST",))))
        )
        assert parse({"AND": [{"tag": "TZ_ET"}, {"NOT": {"tag": "TZ_PST"}}]}) == AllOf(
            (Tags(("TZ_ET",)), Not(Tags(("TZ_PST",))))
        )
        assert parse({"and": [{"externalId": "test_ext_id"}, {"templateId": "12345"}]}) == AllOf(
            (ExternalIds(("test_ext_id",)), TemplateIds((12345,)))
        )

    def test_an_array_is_any_of_its_values(self) -> None:
        assert parse({"tag": ["apples", "oranges", "bananas"]}) == Tags(("apples", "oranges", "bananas"))
        assert parse({"passId": [3, "4", 3]}) == PassIds((3, 4))
        assert parse({"tag": [" vip ", "vip"]}) == Tags(("vip",))

    def test_operators_ignore_case(self) -> None:
        expected = AnyOf((Tags(("a",)), Not(Tags(("b",)))))
        assert parse({"or": [{"tag": "a"}, {"not": {"tag": "b"}}]}) == expected
        assert parse({"Or": [{"tag": "a"}, {"NoT": [{"tag": "b"}]}]}) == expected

    def test_not_takes_an_object_or_a_one_element_array(self) -> None:
        assert parse({"NOT": {"passId": 7}}) == parse({"NOT": [{"passId": 7}]}) == Not(PassIds((7,)))

    def test_external_id_under_an_and_with_a_template(self) -> None:
        assert parse({"AND": [{"templateId": 1}, {"OR": [{"externalId": "a"}, {"externalId": "b"}]}]})
        assert parse({"AND": [{"templateId": 1}, {"NOT": {"externalId": "a"}}]})
        assert parse({"AND": [{"externalId": ["a", "b"]}, {"templateId": [1, 2]}]})

    def test_nesting_up_to_the_limit(self) -> None:
        assert parse(nested(MAX_DEPTH))

    def test_constructors(self) -> None:
        assert of_template(3).as_json() == {"templateId": 3}
        assert of_pass(9).as_json() == {"passId": 9}
        assert of_tag("vip", 3).as_json() == {"AND": [{"tag": "vip"}, {"templateId": 3}]}


class TestAsJson:
    @pytest.mark.parametrize(
        ("selector", "normalised"),
        [
            ("All", "all"),
            ({"tag": ["a"]}, {"tag": "a"}),
            ({"templateId": ["12", 13]}, {"templateId": [12, 13]}),
            (
                {"and": [{"externalId": "x"}, {"templateId": "12"}]},
                {"AND": [{"externalId": "x"}, {"templateId": 12}]},
            ),
            ({"not": [{"or": [{"tag": "a"}, "all"]}]}, {"NOT": {"OR": [{"tag": "a"}, "all"]}}),
        ],
    )
    def test_normalised_form(self, selector: object, normalised: object) -> None:
        assert parse(selector).as_json() == normalised

    @pytest.mark.parametrize(
        "selector",
        [
            "all",
            {"tag": "vip"},
            {"OR": [{"tag": ["a", "b"]}, {"passId": [1, 2]}]},
            {"AND": [{"templateId": 4}, {"NOT": {"externalId": ["x", "y"]}}]},
            {"and": [{"or": [{"tag": "baseball"}, {"tag": "basketball"}]}, {"not": [{"tag": "TZ_PST"}]}]},
        ],
    )
    def test_round_trip(self, selector: object) -> None:
        audience = parse(selector)
        assert parse(audience.as_json()) == audience
        assert parse(audience.as_json()).as_json() == audience.as_json()


def selectors() -> st.SearchStrategy[object]:
    tags = st.text("abcxyz", min_size=1, max_size=4)
    ids = st.integers(min_value=1, max_value=2**63 - 1)
    atoms = st.one_of(
        st.just("all"),
        st.builds(lambda t: {"tag": t}, st.one_of(tags, st.lists(tags, min_size=1, max_size=3))),
        st.builds(lambda i: {"templateId": i}, st.one_of(ids, ids.map(str), st.lists(ids, min_size=1))),
        st.builds(lambda i: {"passId": i}, st.one_of(ids, st.lists(ids, min_size=1, max_size=3))),
    )
    operator = st.sampled_from(["AND", "and", "OR", "or"])
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.builds(lambda op, parts: {op: parts}, operator, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda part: {"NOT": part}, inner),
            st.builds(lambda part: {"not": [part]}, inner),
        ),
        max_leaves=12,
    )


@given(selectors())
def test_any_selector_survives_a_round_trip(selector: object) -> None:
    audience = parse(selector)
    assert isinstance(audience, Audience)
    assert parse(audience.as_json()) == audience


class TestErrors:
    @pytest.mark.parametrize(
        ("selector", "field"),
        [
            (5, "audience"),
            ("everyone", "audience"),
            (None, "audience"),
            ([{"tag": "a"}], "audience"),
            ({}, "audience"),
            ({"tag": "a", "passId": 1}, "audience"),
            ({"color": "red"}, "audience.color"),
            ({"AND": [{"tag": "a"}, {"tag": 5}]}, "audience.AND[1].tag"),
            ({"AND": [{"tag": "a"}, {"tag": ["b", " "]}]}, "audience.AND[1].tag[1]"),
            ({"and": [{"tag": "a"}, "nobody"]}, "audience.and[1]"),
            ({"or": []}, "audience.or"),
            ({"OR": {"tag": "a"}}, "audience.OR"),
            ({"NOT": [{"tag": "a"}, {"tag": "b"}]}, "audience.NOT"),
            ({"NOT": []}, "audience.NOT"),
            ({"NOT": [{"tag": 1}]}, "audience.NOT[0].tag"),
            ({"NOT": {"tag": None}}, "audience.NOT.tag"),
            ({"tag": []}, "audience.tag"),
            ({"tag": "x" * 256}, "audience.tag"),
            ({"templateId": "12a"}, "audience.templateId"),
            ({"templateId": True}, "audience.templateId"),
            ({"templateId": 0}, "audience.templateId"),
            ({"templateId": 2**63}, "audience.templateId"),
            ({"templateId": 1.5}, "audience.templateId"),
            ({"passId": [1, 2.5]}, "audience.passId[1]"),
            ({"passId": [1, {"id": 2}]}, "audience.passId[1]"),
            ({"externalId": ""}, "audience.externalId"),
            ({"AND": [{"templateId": 1}, {"externalId": ""}]}, "audience.AND[1].externalId"),
            ({"passId": list(range(1, MAX_VALUES + 2))}, "audience.passId"),
            (nested(MAX_DEPTH + 1), "audience" + ".NOT" * (MAX_DEPTH + 1)),
        ],
    )
    def test_names_the_offending_part(self, selector: object, field: str) -> None:
        with pytest.raises(AudienceInvalid) as raised:
            parse(selector)
        assert isinstance(raised.value, InvalidInput)
        assert raised.value.details == [
            {"field": field, "location": "body", "message": raised.value.details[0]["message"]}
        ]
        assert raised.value.message.startswith(f"Invalid request. {field}: ")

    @pytest.mark.parametrize(
        ("selector", "field"),
        [
            ({"externalId": "x"}, "audience.externalId"),
            ({"OR": [{"externalId": "x"}, {"templateId": 1}]}, "audience.OR[0].externalId"),
            ({"AND": [{"externalId": "x"}, {"AND": [{"templateId": 1}]}]}, "audience.AND[0].externalId"),
            ({"AND": [{"externalId": "x"}, {"passId": 1}]}, "audience.AND[0].externalId"),
            ({"NOT": {"externalId": "x"}}, "audience.NOT.externalId"),
        ],
    )
    def test_external_id_without_its_template(self, selector: object, field: str) -> None:
        with pytest.raises(AudienceInvalid) as raised:
            parse(selector)
        assert raised.value.details[0]["field"] == field
        assert "templateId" in raised.value.details[0]["message"]

    def test_paths_start_at_the_given_field(self) -> None:
        with pytest.raises(AudienceInvalid) as raised:
            parse({"OR": [{"tag": 1}]}, field="schedule.audience", location="query")
        assert raised.value.details == [
            {
                "field": "schedule.audience.OR[0].tag",
                "location": "query",
                "message": raised.value.details[0]["message"],
            }
        ]

    def test_the_error_is_a_400_of_its_own_code(self) -> None:
        assert AudienceInvalid.code == "audience_invalid"


class TestSegments:
    def test_a_segment_is_kept_for_resolving(self) -> None:
        segment = "5b1b4f9c-8f6a-4a51-a5d6-6d8f6e0b4c11"
        parsed = parse({"AND": [{"segment": segment}, {"tag": "a"}]})
        assert parsed == AllOf((Segments((segment,)), Tags(("a",))))

    def test_criteria_take_tags_only_and_print_in_lower_case(self) -> None:
        criteria = parse_criteria({"AND": [{"tag": "a"}, {"NOT": [{"tag": ["b", "c"]}]}]})
        assert criteria_json(criteria) == {"and": [{"tag": "a"}, {"not": {"tag": ["b", "c"]}}]}
        bad_ones = [
            ({"segment": "s"}, "criteria.segment"),
            ({"or": [{"passId": 1}]}, "criteria.or[0].passId"),
            ("all", "criteria"),
            ({"not": "all"}, "criteria.not"),
        ]
        for bad, field in bad_ones:
            with pytest.raises(AudienceInvalid) as raised:
                parse_criteria(bad)
            assert raised.value.details[0]["field"] == field

    def test_bad_input_is_reported_before_segments(self) -> None:
        with pytest.raises(AudienceInvalid) as raised:
            parse({"AND": [{"segment": "s"}, {"tag": 1}]})
        assert raised.value.details[0]["field"] == "audience.AND[1].tag"
        with pytest.raises(AudienceInvalid):
            parse({"segment": []})
