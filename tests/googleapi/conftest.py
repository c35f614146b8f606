"""The Google stand-in and minimal Google documents for the sync tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from passmint.app import outbound_client
from passmint.certificates.google_accounts import dev_google_account
from passmint.config import Settings
from passmint.google import ServiceAccount, make_development_account
from passmint.jobs.registry import JobContext
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


@pytest.fixture
def google_settings(settings: Settings, standin: GoogleStandin) -> Settings:
    """The test settings pointed at the stand-in, which trusts the development service account."""
    standin.trust(dev_google_account(settings.data_dir))
    return settings.model_copy(
        update={
            "google_api_url": standin.api_url,
            "google_token_url": standin.token_url,
            "google_callback_keys_url": standin.keys_url,
            "google_rps": 400.0,
        }
    )


@pytest.fixture
async def google_context(google_settings: Settings) -> AsyncIterator[JobContext]:
    async with outbound_client() as http:
        context = JobContext(google_settings, http)
        yield context
        await context.aclose()
