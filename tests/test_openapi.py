"""``/openapi.json`` says what the API answers: 400 for bad input, real statuses, paths tools accept."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from passmint.openapi import HTTP_METHODS

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}


@pytest.fixture(scope="module")
async def document(app: object) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        return (await client.get("/openapi.json")).json()  # type: ignore[no-any-return]


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def json_schema(response: dict[str, Any]) -> Any:
    return response["content"]["application/json"]["schema"]


class TestBadInput:
    def test_no_operation_documents_422(self, document: dict[str, Any]) -> None:
        assert [f"{m} {p}" for m, p, op in operations(document) if "422" in op["responses"]] == []
        assert "HTTPValidationError" not in document["components"]["schemas"]

    def test_every_operation_with_input_documents_400_error_body(self, document: dict[str, Any]) -> None:
        for method, path, operation in operations(document):
            if operation.get("parameters") or operation.get("requestBody"):
                assert json_schema(operation["responses"]["400"]) == ERROR_BODY, f"{method} {path}"

    async def test_bad_input_answers_the_documented_400(
        self, anonymous: httpx.AsyncClient, document: dict[str, Any]
    ) -> None:
        response = await anonymous.post("/apple/v1/log", json={"logs": "not a list"})
        assert response.status_code == 400 and set(response.json()) == {"error", "error_code", "details"}
        assert "400" in document["paths"]["/apple/v1/log"]["post"]["responses"]


class TestStatusesOfEveryOperation:
    def test_database_unavailable(self, document: dict[str, Any]) -> None:
        for method, path, operation in operations(document):
            assert json_schema(operation["responses"]["503"]) == ERROR_BODY, f"{method} {path}"

    def test_body_too_large_where_there_is_a_body(self, document: dict[str, Any]) -> None:
        for method, path, operation in operations(document):
            assert ("413" in operation["responses"]) == ("requestBody" in operation), f"{method} {path}"

    def test_templates_without_v1_document_their_errors(self, document: dict[str, Any]) -> None:
        assert {"400", "401", "404"} <= set(document["paths"]["/templates/{templateId}"]["get"]["responses"])

    def test_empty_apple_answers_have_no_json_body(self, document: dict[str, Any]) -> None:
        registration = document["paths"][
            "/apple/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}"
        ]
        assert "content" not in registration["post"]["responses"]["201"]
        assert "content" not in registration["post"]["responses"]["200"]
        assert "content" not in registration["delete"]["responses"]["200"]


class TestParameters:
    def test_reference_slots_document_both_forms(self, document: dict[str, Any]) -> None:
        slot = next(
            p for p in document["paths"]["/v1/project/{projectId}"]["get"]["parameters"] if p["in"] == "path"
        )
        pattern = re.compile(slot["schema"]["pattern"])
        assert pattern.match("12345") and pattern.match("id/summer-sale")
        assert not pattern.match("summer-sale") and not pattern.match("id/a/b")

    def test_api_revision_lists_the_revision_spoken(self, document: dict[str, Any]) -> None:
        header = next(
            p for p in document["paths"]["/v1/project"]["get"]["parameters"] if p["name"] == "Api-Revision"
        )
        assert header["schema"]["enum"] == ["1.2"]


class TestPaths:
    def test_no_two_paths_differ_only_in_slot_names(self, document: dict[str, Any]) -> None:
        shapes = [re.sub(r"\{[^}]+\}", "{}", path) for path in document["paths"]]
        assert len(shapes) == len(set(shapes))

    @pytest.mark.parametrize("kind", ["template", "pass"])
    def test_create_and_read_share_the_references_path(self, document: dict[str, Any], kind: str) -> None:
        item = document["paths"][f"/v1/{kind}/{{id}}"]
        assert set(item) == {"get", "put", "delete", "post"}
        for operation in item.values():
            assert [p["name"] for p in operation["parameters"] if p["in"] == "path"] == ["id"]
        assert item["post"]["parameters"][0]["description"].startswith(
            "Names the project" if kind == "template" else "Names the template"
        )
