"""``/v1/project`` through the real app and database."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.db import Database
from passmint.models import Project
from tests.conftest import ApiFactory

# The reference's example request body, as printed.
EXAMPLE = {
    "name": "Aztec Barcode",
    "projectType": "loyalty",
    "description": "Aztec Barcode",
    "settings": {
        "barcode_alt_text": "123json=456789",
        "barcode_label": "Member ID",
        "barcode_default_value": "123456789",
        "barcode_encoding": "iso-8859-1",
        "barcode_type": "pdf417",
    },
}


async def create(api: httpx.AsyncClient, path: str = "/v1/project", **changes: object) -> dict[str, object]:
    response = await api.post(path, json=EXAMPLE | changes)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def count_projects(database: Database) -> int:
    async with database.transaction() as session:
        return await session.scalar(select(func.count()).select_from(Project)) or 0


class TestCreateProject:
    async def test_reference_example(self, api: httpx.AsyncClient) -> None:
        project = await create(api)
        assert isinstance(project["id"], int)
        assert project["name"] == "Aztec Barcode"
        assert project["projectType"] == "loyalty"
        assert project["settings"] == EXAMPLE["settings"] | {"barcode_type_text": "PDF417"}
        assert project["templates"] == []
        assert len(str(project["contextId"])) >= 16
        assert "externalId" not in project
        created = datetime.fromisoformat(str(project["createdAt"]))
        assert str(project["createdAt"]).endswith("Z") and created.tzinfo is not None
        assert project["createdAt"] == project["updatedAt"]

    async def test_with_external_id(self, api: httpx.AsyncClient) -> None:
        project = await create(api, "/v1/project/id/67890")
        assert project["externalId"] == "67890"

    async def test_external_id_taken_is_409(self, api: httpx.AsyncClient, database: Database) -> None:
        await create(api, "/v1/project/id/67890")
        response = await api.post("/v1/project/id/67890", json=EXAMPLE)
        assert response.status_code == 409
        assert response.json()["error_code"] == "project_external_id_taken"
        assert await count_projects(database) == 1

    async def test_same_external_id_in_two_accounts(self, new_api: ApiFactory) -> None:
        first, second = await new_api(), await new_api()
        assert (await create(first, "/v1/project/id/shared"))["externalId"] == "shared"
        assert (await create(second, "/v1/project/id/shared"))["externalId"] == "shared"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"name": 5}, "name"),
            (EXAMPLE | {"name": ""}, "name"),
            (EXAMPLE | {"projectType": "spaceship"}, "projectType"),
            ({k: v for k, v in EXAMPLE.items() if k != "description"}, "description"),
            (EXAMPLE | {"settings": {"barcode_type": "dotcode"}}, "settings.barcode_type"),
            (EXAMPLE | {"colour": "red"}, "colour"),
        ],
    )
    async def test_bad_input_is_400_naming_the_field(
        self, api: httpx.AsyncClient, database: Database, body: dict[str, object], field: str
    ) -> None:
        response = await api.post("/v1/project", json=body)
        assert response.status_code == 400
        error = response.json()
        assert error["error_code"] == "invalid_request"
        assert field in [detail["field"] for detail in error["details"]]
        assert field in error["error"]
        assert await count_projects(database) == 0

    async def test_broken_json_is_400(self, api: httpx.AsyncClient, database: Database) -> None:
        response = await api.post(
            "/v1/project", content=b'{"name": ', headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400
        assert response.json()["error_code"] == "invalid_json"
        assert "not valid JSON" in response.json()["error"]
        assert await count_projects(database) == 0

    async def test_form_body_is_400_saying_json_is_expected(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/v1/project", content=b"name=x", headers={"Content-Type": "text/plain"})
        assert response.status_code == 400
        assert "application/json" in response.json()["error"]

    async def test_read_only_keys_echoed_back_are_ignored(self, api: httpx.AsyncClient) -> None:
        original = await create(api)
        copy = await create(api, **{k: original[k] for k in ("id", "contextId", "createdAt", "templates")})
        assert copy["id"] != original["id"]
        assert copy["contextId"] != original["contextId"]


class TestGetProject:
    async def test_by_id_and_by_external_id(self, api: httpx.AsyncClient) -> None:
        project = await create(api, "/v1/project/id/myProject")
        by_id = await api.get(f"/v1/project/{project['id']}")
        by_external_id = await api.get("/v1/project/id/myProject")
        assert by_id.status_code == by_external_id.status_code == 200
        assert by_id.json() == by_external_id.json() == project

    async def test_unknown_is_404(self, api: httpx.AsyncClient) -> None:
        for path in ("/v1/project/999999", "/v1/project/id/nope"):
            response = await api.get(path)
            assert response.status_code == 404
            assert response.json()["error_code"] == "project_not_found"

    async def test_another_accounts_project_is_404(self, new_api: ApiFactory) -> None:
        owner, stranger = await new_api(), await new_api()
        project = await create(owner, "/v1/project/id/mine")
        for path in (f"/v1/project/{project['id']}", "/v1/project/id/mine"):
            assert (await stranger.get(path)).status_code == 404
            assert (await stranger.put(path, json={"name": "taken"})).status_code == 404
        assert (await stranger.post(f"/v1/project/duplicate/{project['id']}")).status_code == 404
        assert (await owner.get(f"/v1/project/{project['id']}")).json()["name"] == EXAMPLE["name"]

    async def test_non_numeric_id_is_404(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/v1/project/abc")
        assert response.status_code == 404
        assert response.json()["error_code"] == "not_found"


class TestUpdateProject:
    async def test_reference_example_is_partial(self, api: httpx.AsyncClient) -> None:
        project = await create(api)
        response = await api.put(
            f"/v1/project/{project['id']}",
            json={"name": "New And Improved Name", "description": "Significantly more detailed description"},
        )
        assert response.status_code == 200
        updated = response.json()
        assert updated["name"] == "New And Improved Name"
        assert updated["description"] == "Significantly more detailed description"
        assert updated["projectType"] == project["projectType"]
        assert updated["settings"] == project["settings"]
        assert updated["updatedAt"] > project["updatedAt"]
        assert updated["createdAt"] == project["createdAt"]

    async def test_by_external_id(self, api: httpx.AsyncClient) -> None:
        await create(api, "/v1/project/id/myProject")
        response = await api.put("/v1/project/id/myProject", json={"projectType": "coupon"})
        assert response.json()["projectType"] == "coupon"
        assert (await api.get("/v1/project/id/myProject")).json()["projectType"] == "coupon"

    async def test_settings_merge_and_null_removes(self, api: httpx.AsyncClient) -> None:
        project = await create(api)
        response = await api.put(
            f"/v1/project/{project['id']}", json={"settings": {"barcode_type": "qr", "barcode_label": None}}
        )
        settings = response.json()["settings"]
        assert settings["barcode_type"] == "qr"
        assert settings["barcode_type_text"] == "QR"
        assert "barcode_label" not in settings
        assert settings["barcode_default_value"] == "123456789"

    async def test_null_for_a_required_field_is_400(self, api: httpx.AsyncClient) -> None:
        project = await create(api)
        response = await api.put(f"/v1/project/{project['id']}", json={"name": None})
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == "name"
        assert (await api.get(f"/v1/project/{project['id']}")).json()["name"] == EXAMPLE["name"]

    async def test_bad_value_changes_nothing(self, api: httpx.AsyncClient) -> None:
        project = await create(api)
        response = await api.put(f"/v1/project/{project['id']}", json={"name": "ok", "projectType": "nope"})
        assert response.status_code == 400
        assert (await api.get(f"/v1/project/{project['id']}")).json() == project


class TestDuplicateProject:
    async def test_by_id(self, api: httpx.AsyncClient) -> None:
        source = await create(api)
        response = await api.post(f"/v1/project/duplicate/{source['id']}")
        assert response.status_code == 200
        copy = response.json()
        assert copy["id"] != source["id"]
        assert copy["contextId"] != source["contextId"]
        assert copy["name"] == "Copy of Aztec Barcode"
        assert copy["settings"] == source["settings"]
        assert copy["projectType"] == source["projectType"]
        assert copy["description"] == source["description"]
        assert "externalId" not in copy
        assert copy["createdAt"] >= source["createdAt"]

    async def test_by_external_id_names_the_copy(self, api: httpx.AsyncClient) -> None:
        await create(api, "/v1/project/id/67890")
        first = (await api.post("/v1/project/duplicate/id/67890")).json()
        second = (await api.post("/v1/project/duplicate/id/67890")).json()
        assert first["externalId"] == "Copy_of_67890"
        assert second["externalId"] == "Copy_of_67890_2"
        assert (await api.get("/v1/project/id/Copy_of_67890")).json()["id"] == first["id"]


class TestListProjects:
    async def test_defaults(self, api: httpx.AsyncClient) -> None:
        ids = [(await create(api, name=f"p{i}"))["id"] for i in range(12)]
        response = await api.get("/v1/project")
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 12
        assert [p["id"] for p in body["projects"]] == sorted(ids, reverse=True)[:10]
        assert body["pagination"] == {
            "order": "id",
            "page": 1,
            "start": 0,
            "direction": "DESC",
            "pageSize": 10,
        }

    async def test_paging_and_ordering(self, api: httpx.AsyncClient) -> None:
        for name in ("delta", "alpha", "charlie", "bravo"):
            await create(api, name=name)
        response = await api.get(
            "/v1/project", params={"order": "name", "direction": "asc", "pageSize": 2, "page": 2}
        )
        body = response.json()
        assert [p["name"] for p in body["projects"]] == ["charlie", "delta"]
        assert body["count"] == 4
        assert body["pagination"] == {
            "order": "name",
            "page": 2,
            "start": 2,
            "direction": "ASC",
            "pageSize": 2,
        }

    async def test_page_past_the_end_is_empty(self, api: httpx.AsyncClient) -> None:
        await create(api)
        body = (await api.get("/v1/project", params={"page": 5})).json()
        assert body["projects"] == [] and body["count"] == 1

    async def test_only_the_callers_projects(self, new_api: ApiFactory) -> None:
        mine, theirs = await new_api(), await new_api()
        await create(mine, name="mine")
        await create(theirs, name="theirs")
        body = (await mine.get("/v1/project")).json()
        assert [p["name"] for p in body["projects"]] == ["mine"] and body["count"] == 1

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"order": "colour"}, "order"),
            ({"direction": "up"}, "direction"),
            ({"pageSize": 0}, "pageSize"),
            ({"pageSize": 100_000}, "pageSize"),
            ({"page": 0}, "page"),
            ({"page": "one"}, "page"),
        ],
    )
    async def test_bad_paging_is_400(
        self, api: httpx.AsyncClient, params: dict[str, object], field: str
    ) -> None:
        response = await api.get("/v1/project", params=params)
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == field


async def test_stored_times_are_aware_utc(api: httpx.AsyncClient, session: AsyncSession) -> None:
    project = await create(api)
    stored = await session.get(Project, project["id"])
    assert stored is not None
    assert stored.created_at.utcoffset() is not None and stored.created_at.utcoffset().total_seconds() == 0
