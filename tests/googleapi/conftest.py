"""The Google stand-in and minimal Google documents for the sync tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.app import outbound_client
from passmint.certificates.google_accounts import dev_google_account, project_google_account
from passmint.config import Settings
from passmint.google import ServiceAccount, make_development_account
from passmint.google.ids import class_id, object_id
from passmint.jobs.registry import JobContext
from passmint.models import Account, Project, Template
from passmint.wallets import PassRecord
from passmint.wallets import google as wallets_google
from passmint.wallets.google import GoogleWallet
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
def google_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stands in for the Google format's ``render`` and ``google_class`` (built by the Google passes work)
    with minimal generic classes and objects; the lead deletes it when merging."""

    async def render(
        self: GoogleWallet, session: AsyncSession, record: PassRecord, settings: Settings
    ) -> dict[str, Any]:
        issuer = (await project_google_account(session, record.account, record.project, settings)).issuer_id
        klass = class_id(issuer, record.template.id)
        body = generic_object(object_id(issuer, record.pass_.id), klass, header=record.template.name)
        fields = record.pass_.values.get("fields", {})
        modules = [
            {"id": f"f{number}", "header": name, "body": str(field.get("value"))}
            for number, (name, field) in enumerate(sorted(fields.items()))
            if isinstance(field, dict)
        ]
        if modules:
            body["textModulesData"] = modules
        return {
            "classType": "genericClass",
            "class": generic_class(klass),
            "objectType": "genericObject",
            "object": body,
        }

    async def google_class(
        session: AsyncSession, template: Template, project: Project, settings: Settings
    ) -> tuple[str, dict[str, Any]]:
        account = await session.get(Account, template.account_id)
        assert account is not None
        issuer = (await project_google_account(session, account, project, settings)).issuer_id
        body = generic_class(class_id(issuer, template.id))
        body["textModulesData"] = [{"id": "name", "header": "Template", "body": template.name}]
        return "genericClass", body

    monkeypatch.setattr(GoogleWallet, "render", render)
    monkeypatch.setattr(wallets_google, "google_class", google_class)


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
