"""Callback headers carry credentials: they are stored sealed, and the API still answers them as set."""

from __future__ import annotations

from sqlalchemy import text

from passmint.db import Database
from tests.callbacks.test_endpoints import path, project_id
from tests.conftest import ApiClient

TOKEN = "Bearer s3cr3t-at-rest-7f2c"
SPEC = {"baseUrl": "https://hooks.example.com", "headers": {"Authorization": TOKEN, "X-Shop": "7"}}


async def stored_row(database: Database, project: int) -> str:
    """Every column of the project's stored spec, as text (bytes decoded as Latin-1, so nothing is lost)."""
    async with database.transaction() as session:
        row = (
            await session.execute(
                text("SELECT * FROM callback_specs WHERE project_id = :id"), {"id": project}
            )
        ).one()
    return " ".join(
        bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview) else str(value)
        for value in row
    )


class TestSealedHeaders:
    async def test_header_values_are_not_stored_in_clear(self, api: ApiClient, database: Database) -> None:
        project = await project_id(api)
        assert (await api.post(path(project), json=SPEC)).status_code == 200
        stored = await stored_row(database, project)
        assert "s3cr3t" not in stored and "X-Shop" not in stored

        replaced = SPEC | {"headers": {"Authorization": "Bearer other-s3cr3t"}}
        assert (await api.put(path(project), json=replaced)).status_code == 200
        assert "s3cr3t" not in await stored_row(database, project)

    async def test_the_api_answers_the_headers_as_they_were_set(self, api: ApiClient) -> None:
        project = await project_id(api)
        created = (await api.post(path(project), json=SPEC)).json()
        assert created["headers"] == SPEC["headers"]
        assert (await api.get(path(project))).json() == created

    async def test_sealed_headers_open_only_for_their_own_project(
        self, api: ApiClient, database: Database
    ) -> None:
        first, second = await project_id(api), await project_id(api)
        for project in (first, second):
            assert (await api.post(path(project), json=SPEC)).status_code == 200
        async with database.transaction() as session:
            await session.execute(
                text(
                    "UPDATE callback_specs SET sealed_headers = "
                    "(SELECT sealed_headers FROM callback_specs WHERE project_id = :first) "
                    "WHERE project_id = :second"
                ),
                {"first": first, "second": second},
            )
        response = await api.get(path(second))
        assert response.status_code == 503
        assert response.json()["error_code"] == "callback_secret_unreadable"
