"""The route table stays: every path of the API before one handler served both of a pass's addresses
(``tests/route_table.json``, taken from ``app.openapi()`` then) still exists with the same methods,
operation ids and summaries; and one handler answers the same at both addresses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from passmint.kit.refs import PassLocator
from passmint.routing import At, at_every_address
from tests.factories import create_project, create_template

BEFORE: dict[str, dict[str, dict[str, str]]] = json.loads(
    (Path(__file__).parent / "route_table.json").read_text()
)


def table(app: FastAPI) -> dict[str, dict[str, dict[str, str]]]:
    return {
        path: {
            method: {"operationId": operation["operationId"], "summary": operation["summary"]}
            for method, operation in operations.items()
        }
        for path, operations in app.openapi()["paths"].items()
    }


class TestRouteTable:
    async def test_every_path_is_still_served_with_the_same_methods_ids_and_summaries(
        self, app: FastAPI
    ) -> None:
        now = table(app)
        for path, operations in BEFORE.items():
            assert path in now, path
            assert now[path] == operations, path

    async def test_operation_ids_are_unique(self, app: FastAPI) -> None:
        ids = [
            operation["operationId"]
            for operations in table(app).values()
            for operation in operations.values()
        ]
        assert len(ids) == len(set(ids))

    async def test_each_address_documents_its_own_path_parameters(self, app: FastAPI) -> None:
        paths = app.openapi()["paths"]
        by_id = paths["/v1/pass/{passId}/download"]["get"]["parameters"]
        in_template = paths["/v1/pass/template/{templateId}/id/{passExternalId}/download"]["get"][
            "parameters"
        ]
        assert [parameter["name"] for parameter in by_id if parameter["in"] == "path"] == ["passId"]
        assert sorted(parameter["name"] for parameter in in_template if parameter["in"] == "path") == [
            "passExternalId",
            "templateId",
        ]


class TestOneHandlerTwoAddresses:
    @pytest.fixture
    async def made(self, api: httpx.AsyncClient) -> dict[str, Any]:
        template_id = await create_template(api, (await create_project(api))["id"])
        created = await api.post(f"/v1/pass/template/{template_id}/id/member-1", json={})
        assert created.status_code == 200, created.text
        return {"pass": created.json()["id"], "template": template_id}

    @pytest.mark.parametrize("suffix", ["", "/download"])
    async def test_both_addresses_answer_the_same(
        self, api: httpx.AsyncClient, made: dict[str, Any], suffix: str
    ) -> None:
        by_id = await api.get(f"/v1/pass/{made['pass']}{suffix}")
        in_template = await api.get(f"/v1/pass/template/{made['template']}/id/member-1{suffix}")
        assert by_id.status_code == in_template.status_code == 200
        if suffix == "":
            assert by_id.json() == in_template.json()
        else:
            assert by_id.headers["content-type"] == in_template.headers["content-type"]

    def test_a_handler_without_a_locator_is_refused(self) -> None:
        async def handler(name: str) -> None: ...

        with pytest.raises(TypeError, match="PassLocator"):
            at_every_address(APIRouter(prefix="/pass"), "GET", "", At("a"), At("b"))(handler)

    def test_one_summary_per_address(self) -> None:
        async def handler(locator: PassLocator) -> None: ...

        with pytest.raises(TypeError, match="one At per address"):
            at_every_address(APIRouter(prefix="/pass"), "GET", "", At("only one"))(handler)
