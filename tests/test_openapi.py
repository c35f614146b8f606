"""``/openapi.json`` says what the API answers: 400 for bad input, real statuses, paths tools accept."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from passmint.openapi import HTTP_METHODS
from tests.conftest import ApiClient
from tests.factories import GOOGLE_TEMPLATE, create_pass, create_project, create_template

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

    def test_retry_after_on_503(self, document: dict[str, Any]) -> None:
        status = document["paths"]["/v1/system/status"]["get"]["responses"]["503"]
        assert status["headers"]["Retry-After"]["schema"] == {"type": "integer"}

    @pytest.mark.parametrize(
        "path", ["/apple/v1/log", "/apple/v1/passes/{passTypeIdentifier}/{serialNumber}/personalize"]
    )
    def test_too_many_requests_on_routes_open_to_anyone(self, document: dict[str, Any], path: str) -> None:
        too_many = document["paths"][path]["post"]["responses"]["429"]
        assert json_schema(too_many) == ERROR_BODY and "Retry-After" in too_many["headers"]

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

    def test_updatable_passes_document_their_body(self, document: dict[str, Any]) -> None:
        path = "/apple/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}"
        name = json_schema(document["paths"][path]["get"]["responses"]["200"])["$ref"].rsplit("/", 1)[1]
        body = document["components"]["schemas"][name]
        assert set(body["required"]) == {"serialNumbers", "lastUpdated"}
        assert body["properties"]["serialNumbers"]["items"]["type"] == "string"


class TestResponseBodies:
    def test_every_response_model_documents_its_fields(self, document: dict[str, Any]) -> None:
        schemas = document["components"]["schemas"]
        assert [name for name, body in schemas.items() if body == {}] == []
        assert {"id", "name", "createdAt"} <= set(schemas["ProjectRead"]["required"])

    def test_fields_are_spelled_as_sent(self, document: dict[str, Any]) -> None:
        ticket = document["components"]["schemas"]["TicketRead"]
        assert "ID" in ticket["properties"] and "Status" in ticket["properties"]


class TestParameters:
    def test_reference_slots_document_both_forms(self, document: dict[str, Any]) -> None:
        slot = next(
            p for p in document["paths"]["/v1/project/{projectId}"]["get"]["parameters"] if p["in"] == "path"
        )
        pattern = re.compile(slot["schema"]["pattern"])
        assert pattern.match("12345") and pattern.match("id/summer-sale")
        assert not pattern.match("summer-sale") and not pattern.match("id/a/b")

    def test_no_parameter_is_null(self, document: dict[str, Any]) -> None:
        for method, path, operation in operations(document):
            for parameter in operation.get("parameters", []):
                assert "null" not in str(parameter["schema"]), f"{method} {path} {parameter['name']}"
        since = document["paths"][
            "/apple/v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}"
        ]["get"]["parameters"]
        assert next(p for p in since if p["name"] == "passesUpdatedSince")["schema"]["type"] == "string"

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


def assert_documented(document: dict[str, Any], method: str, path: str, response: httpx.Response) -> None:
    """The status ``response`` has is among those ``method path`` documents, with its error body."""
    responses = document["paths"][path][method.lower()]["responses"]
    assert str(response.status_code) in responses, f"{method} {path} does not document {response.status_code}"
    if response.status_code >= 400:
        assert json_schema(responses[str(response.status_code)]) == ERROR_BODY


class TestRouteStatuses:
    """Statuses only some routes answer, each made to happen and found in the document."""

    async def test_an_external_id_naming_passes_of_two_templates(
        self, api: ApiClient, document: dict[str, Any]
    ) -> None:
        project = await create_project(api)
        for template in [await create_template(api, project["id"]) for _ in range(2)]:
            assert (await api.post(f"/v1/pass/template/{template}/id/shared", json={})).status_code == 200
        for method, path, template in [
            ("GET", "/v1/pass/id/shared", "/v1/pass/{id}"),
            ("DELETE", "/v1/pass/id/shared", "/v1/pass/{id}"),
            ("GET", "/v1/pass/id/shared/download", "/v1/pass/{passId}/download"),
            ("POST", "/v1/pass/id/shared/notify", "/v1/pass/{passId}/notify"),
            ("GET", "/v1/pass/id/shared/logs", "/v1/pass/{passId}/logs"),
        ]:
            body = {"label": "l", "value": "v"} if path.endswith("notify") else {}
            response = await api.request(method, path, json=body if method != "GET" else None)
            assert response.status_code == 409, path
            assert_documented(document, method, template, response)

    async def test_a_dynamic_pass_whose_external_id_is_taken(
        self, api: ApiClient, document: dict[str, Any]
    ) -> None:
        template = await create_template(api, (await create_project(api))["id"])
        assert (await api.post(f"/v1/pass/{template}/id/x", json={})).status_code == 200
        response = await api.post(f"/v1/pass/{template}/dynamic", json={"externalId": "x"})
        assert response.status_code == 409
        assert_documented(document, "POST", "/v1/pass/{templateId}/dynamic", response)

    async def test_google_downloads_are_save_links(self, api: ApiClient, document: dict[str, Any]) -> None:
        template = await create_template(api, (await create_project(api))["id"], GOOGLE_TEMPLATE)
        pass_id = (await create_pass(api, template))["id"]
        for path, documented_as, status in [
            (f"/v1/pass/{pass_id}/download", "/v1/pass/{passId}/download", 302),
            (f"/v1/pass/{pass_id}/viewJSONPass", "/v1/pass/{passId}/viewJSONPass", 200),
        ]:
            response = await api.get(path)
            assert response.status_code == status
            assert_documented(document, "GET", documented_as, response)

    async def test_a_schedule_naming_an_unknown_segment(
        self, api: ApiClient, document: dict[str, Any]
    ) -> None:
        project = await create_project(api)
        body = {
            "schedule": {"scheduled_time": "2100-01-01T00:00:00"},
            "notify": {"audience": {"segment": "vip"}, "pass": {"notification": {"value": "Hi"}}},
        }
        response = await api.post(f"/v1/schedules/{project['id']}", json=body)
        assert (response.status_code, response.json()["error_code"]) == (404, "segment_not_found")
        assert_documented(document, "POST", "/v1/schedules/{projectId}", response)

    def test_a_certificate_clash_on_update(self, document: dict[str, Any]) -> None:
        # made to happen in tests/certificates: test_new_file_clashing_with_another_certificate_is_409
        responses = document["paths"]["/v1/certificates/{certificateId}"]["put"]["responses"]
        assert json_schema(responses["409"]) == ERROR_BODY
