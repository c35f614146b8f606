"""Every example request of the Airship reference, sent through the real app, answered as the reference shows.

For each example (see ``reference.py`` for how they are read) the test makes the objects it names (see
``world.py``), sends the request and checks the status and the top-level shape of the answer: every key
the example's answer shows with a value is there, holding an object, a list or a plain value as in the
example.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from passmint.certificates.google_accounts import dev_google_account
from passmint.config import Settings
from tests.conformance.reference import Example, find_reference, load
from tests.conformance.world import PREPARE, World
from tests.conftest import ApiClient
from tests.support.google_standin import GoogleStandin

REFERENCE = find_reference(Path(__file__))
EXAMPLES: tuple[Example, ...] = load(REFERENCE) if REFERENCE is not None else ()
BY_LINE = {example.line: example for example in EXAMPLES}
ABSENT_WHEN_UNSET = {
    "externalId": "only when one was given",
    "appleCertificateId": "only when the project names a certificate",
    "installedAt": "only once the pass is installed",
    "uninstalledAt": "only once the pass is uninstalled",
    "next_page": "only when more pages follow",
    "nextPage": "only when more pages follow",
    "nextPageToken": "only when more pages follow",
    "landingPageUrl": "only when the adaptive link names one",
    "barcode": "only when the pass has a barcode value",
    "barcodes": "only when the pass has a barcode value",
}
"""Keys the examples show that passmint leaves out while they do not apply (responses leave out unset keys,
see docs/decisions.md); the example's world does not set them up."""


STATUS_READINGS = {301: 302}
"""Statuses the examples print that passmint answers otherwise, on purpose (docs/decisions.md, "Adaptive
links"): a link's redirect to a wallet is temporary, as a personalised link must be opened anew each time."""


def test_the_reference_is_beside_the_repository() -> None:
    assert REFERENCE is not None, (
        "shared/spec/003_98dd2a0b2afeda57.txt was not found beside the repository (or a folder above it); "
        "the conformance suite reads its examples from there"
    )
    assert len(EXAMPLES) > 150


def expected_status(example: Example) -> int:
    """The example's status when its operation documents it (or documents none), else the documented
    success status (the reference's examples print 201 where the operation says 200 now and then)."""
    documented = [status for status in example.documented if 200 <= status < 300]
    if example.status is not None and (not documented or example.status in example.documented):
        return STATUS_READINGS.get(example.status, example.status)
    assert documented, f"{example.name}: neither the example nor its operation gives a status"
    return documented[0]


def kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    return "a list" if isinstance(value, list) else "a plain value"


def shape_problems(expected: Any, actual: Any) -> list[str]:
    """How ``actual`` differs from ``expected`` at the top level."""
    if expected is None:
        return []
    if kind(expected) != kind(actual):
        return [f"the answer is {kind(actual)}, the example's {kind(expected)}"]
    if not isinstance(expected, dict):
        return []
    problems = []
    for key, value in expected.items():
        if value is None:
            continue
        if key not in actual:
            problems += [] if key in ABSENT_WHEN_UNSET else [f"'{key}' is missing"]
        elif kind(value) != kind(actual[key]):
            problems.append(f"'{key}' is {kind(actual[key])}, the example's {kind(value)}")
    return problems


@pytest.fixture(scope="module")
def standin() -> Iterator[GoogleStandin]:
    with GoogleStandin() as standin:
        yield standin


@pytest.fixture(autouse=True)
def google_standin(standin: GoogleStandin, app: FastAPI, settings: Settings) -> Iterator[None]:
    """Google's servers, for the examples that reach them (a save link too long to carry its objects
    inserts them first); one server for the module, emptied for each example."""
    standin.forget()
    standin.trust(dev_google_account(settings.data_dir))
    google = {"google_api_url": standin.api_url, "google_token_url": standin.token_url}
    before, app.state.settings = app.state.settings, settings.model_copy(update=google)
    try:
        yield
    finally:
        app.state.settings = before


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.name)
async def test_example(example: Example, api: ApiClient) -> None:
    world = World(api, BY_LINE, example)
    prepare = PREPARE.get(example.operation)
    if prepare is not None:
        await prepare(world)
    method, target, body = await world.request(example)
    response = await api.request(method, target, json=body)
    assert response.status_code == expected_status(example), f"{method} {target}: {response.text[:2000]}"
    if example.answer is not None:
        assert shape_problems(example.answer, response.json()) == [], response.text[:2000]
