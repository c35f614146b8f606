"""The Google stand-in and minimal Google documents for the sync tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from passmint.google import ServiceAccount, make_development_account
from tests.support.google_standin import GoogleStandin

ISSUER = "3388000000022222222"


def localized(text: str) -> dict[str, Any]:
    return {"defaultValue": {"language": "en-US", "value": text}}


def generic_class(class_id: str) -> dict[str, Any]:
    return {"id": class_id}


def generic_object(object_id: str, class_id: str, header: str = "Member") -> dict[str, Any]:
    return {
        "id": object_id,
        "classId": class_id,
        "cardTitle": localized("passmint"),
        "header": localized(header),
        "state": "ACTIVE",
    }


@pytest.fixture(scope="session")
def service_account() -> ServiceAccount:
    return make_development_account(ISSUER)


@pytest.fixture
def standin(service_account: ServiceAccount) -> Iterator[GoogleStandin]:
    with GoogleStandin() as server:
        server.trust(service_account)
        yield server
