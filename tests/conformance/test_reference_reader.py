"""How the reference's examples are read: pairing, operations, repairs, overrides (see ``reference.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.reference import OVERRIDES, REPAIRS, Example, find_reference, load

REFERENCE = find_reference(Path(__file__))
pytestmark = pytest.mark.skipif(REFERENCE is None, reason="test_reference_examples fails for this")


@pytest.fixture(scope="module")
def examples() -> dict[int, Example]:
    assert REFERENCE is not None
    return {example.line: example for example in load(REFERENCE)}


def test_each_request_is_read_once_with_its_operation(examples: dict[int, Example]) -> None:
    listed = list(examples.values())
    assert len({(e.method, e.target, repr(e.body)) for e in listed}) == len(listed)
    assert examples[4637].operation == "PUT /templates/{id}" and examples[4637].body["vendor"] == "Google"
    assert examples[8114].operation == "POST /pass/{id}"


def test_a_run_of_requests_shares_the_answer_after_it(examples: dict[int, Example]) -> None:
    """``GET /v1/template/12345`` is followed by its external-id twin, then one answer for both."""
    assert examples[1851].status == 200 and examples[1851].answer_line == examples[1860].answer_line
    assert examples[2014].body["vendor"] == "Apple" and examples[2014].status == 200


def test_an_example_without_answer_keeps_its_documented_statuses(examples: dict[int, Example]) -> None:
    deleted = examples[3851]
    assert deleted.status is None and deleted.documented == (200,)


def test_bodies_the_issue_cites(examples: dict[int, Example]) -> None:
    assert examples[4637].body["headers"]["barcode_type"]["value"] == "PDF_417"  # L4678
    assert examples[2209].body["headers"]["barcode_type"]["value"] == ""
    beacons = examples[8447].body["beacons"]
    assert any("major" not in beacon for beacon in beacons)


def test_ellipsis_items_are_dropped(examples: dict[int, Example]) -> None:
    assert len(examples[8939].body["locations"]) == 1


def test_every_repair_and_override_is_used(examples: dict[int, Example]) -> None:
    """A repair that no longer matches raises while loading; each override names an example."""
    assert set(OVERRIDES) <= set(examples)
    assert examples[8731].target == "/v1/pass/12345/dynamic?expiry=2017-05-18"
    assert examples[8731].operation == "POST /pass/{templateId}/dynamic"
    assert REPAIRS and examples[4637].body["fields"]["image"]["value"] == "Image description for title image"


def test_a_file_answer_is_not_json(examples: dict[int, Example]) -> None:
    assert examples[6709].answer_is_file and examples[6709].answer is None
