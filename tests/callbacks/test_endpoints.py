"""``/v1/project/{projectId}/settings/callback``: one callback spec per project, with its signing secret."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import ApiClient, ApiFactory
from tests.factories import create_project

SPEC = {
    "baseUrl": "https://www.remotehost.example.com/callbacks",
    "headers": {"Authorization": "Basic dGVzdEB0ZXN0LmNvbTp0ZXN0", "Content-Type": "application/json"},
}
"""The reference's example."""
HOOKS = {"baseUrl": "https://hooks.example.com"}
SECRET = re.compile(r"whsec_[A-Za-z0-9+/]{32}")


def path(project: int | str) -> str:
    return f"/v1/project/{project}/settings/callback"


async def project_id(api: ApiClient) -> int:
    return int((await create_project(api))["id"])


async def created(api: ApiClient, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    project = await project_id(api)
    response = await api.post(path(project), json=body or SPEC)
    assert response.status_code == 200, response.text
    return project, response.json()


class TestCreate:
    async def test_answers_the_spec_with_a_new_signing_secret(self, api: ApiClient) -> None:
        project, spec = await created(api)
        assert spec == SPEC | {"signingSecret": spec["signingSecret"]}
        assert SECRET.fullmatch(spec["signingSecret"])
        assert (await api.get(path(project))).json() == spec

    async def test_each_project_gets_its_own_secret(self, api: ApiClient) -> None:
        (_, first), (_, second) = await created(api), await created(api)
        assert first["signingSecret"] != second["signingSecret"]

    async def test_headers_may_be_left_out(self, api: ApiClient) -> None:
        _, spec = await created(api, {"baseUrl": "https://hooks.example.com"})
        assert spec["headers"] == {}

    async def test_a_second_spec_is_a_conflict(self, api: ApiClient) -> None:
        project, spec = await created(api)
        response = await api.post(path(project), json={"baseUrl": "https://other.example.com"})
        assert response.status_code == 409
        assert response.json()["error_code"] == "callback_exists"
        assert (await api.get(path(project))).json() == spec

    async def test_an_echoed_signing_secret_is_ignored(self, api: ApiClient) -> None:
        _, spec = await created(api, SPEC | {"signingSecret": "whsec_AAAA"})
        assert spec["signingSecret"] != "whsec_AAAA"

    async def test_by_external_id(self, api: ApiClient) -> None:
        project = await create_project(api, path="/v1/project/id/shop")
        response = await api.post(path("id/shop"), json=SPEC)
        assert response.status_code == 200, response.text
        assert (await api.get(path(project["id"]))).json() == response.json()
        assert (await api.put(path("id/shop"), json=SPEC)).status_code == 200
        assert (await api.delete(path("id/shop"))).status_code == 204

    async def test_a_public_address_and_host_names_are_accepted(self, api: ApiClient) -> None:
        for url in ("https://93.184.215.14/hooks", "http://localhost:8080/hooks"):
            _, spec = await created(api, {"baseUrl": url})  # names are checked when a callback is sent
            assert spec["baseUrl"] == url


INVALID = [
    ({"headers": {}}, "baseUrl"),
    ({"baseUrl": ""}, "baseUrl"),
    ({"baseUrl": "ftp://files.example.com/"}, "baseUrl"),
    ({"baseUrl": "hooks.example.com/callbacks"}, "baseUrl"),
    ({"baseUrl": "https://user:secret@hooks.example.com/"}, "baseUrl"),
    ({"baseUrl": "https://hooks.example.com/#top"}, "baseUrl"),
    ({"baseUrl": "https://hooks.example.com/" + "a" * 2048}, "baseUrl"),
    ({"baseUrl": 12}, "baseUrl"),
    (HOOKS | {"headers": {"X-Token": "a\r\nX-Evil: 1"}}, "headers.X-Token"),
    (HOOKS | {"headers": {"X-Token": "é"}}, "headers.X-Token"),
    (HOOKS | {"headers": {"X-Token": "a" * 4097}}, "headers.X-Token"),
    (HOOKS | {"headers": {"X-Count": 3}}, "headers.X-Count"),
    (HOOKS | {"headers": {"Host": "a"}}, "headers.Host.[key]"),
    (HOOKS | {"headers": {"content-length": "1"}}, "headers.content-length.[key]"),
    (HOOKS | {"headers": {"Webhook-Signature": "v1,x"}}, "headers.Webhook-Signature.[key]"),
    (HOOKS | {"headers": {"Bad Name": "x"}}, "headers.Bad Name.[key]"),
    (HOOKS | {"headers": {"X-A": "1", "x-a": "2"}}, "headers"),
    (HOOKS | {"headers": {f"X-{n}": "1" for n in range(51)}}, "headers"),
    (HOOKS | {"headers": None}, "headers"),
    (HOOKS | {"url": "https://hooks.example.com"}, "url"),
]  # fmt: skip


class TestInvalid:
    @pytest.mark.parametrize(("body", "field"), INVALID)
    async def test_create_names_the_field_and_writes_nothing(
        self, api: ApiClient, body: dict[str, Any], field: str
    ) -> None:
        project = await project_id(api)
        response = await api.post(path(project), json=body)
        assert response.status_code == 400, response.text
        assert [detail["field"] for detail in response.json()["details"]] == [field]
        assert (await api.get(path(project))).status_code == 404

    @pytest.mark.parametrize(("body", "field"), INVALID[:3] + INVALID[8:9])
    async def test_update_names_the_field_and_changes_nothing(
        self, api: ApiClient, body: dict[str, Any], field: str
    ) -> None:
        project, spec = await created(api)
        response = await api.put(path(project), json=body)
        assert response.status_code == 400, response.text
        assert [detail["field"] for detail in response.json()["details"]] == [field]
        assert (await api.get(path(project))).json() == spec

    @pytest.mark.parametrize(
        "url",
        ["http://127.0.0.1:9000/hooks", "http://10.1.2.3/", "http://[::1]:8080/", "http://169.254.169.254/"],
    )
    async def test_a_private_address_is_refused(self, api: ApiClient, url: str) -> None:
        project, spec = await created(api)
        for method in ("post", "put"):
            response = await getattr(api, method)(path(project), json={"baseUrl": url})
            assert response.status_code == 400, response.text
            error = response.json()
            assert error["error_code"] == "callback_url_not_allowed"
            assert error["details"][0]["field"] == "baseUrl"
            assert "not a public internet address" in error["error"]
        assert (await api.get(path(project))).json() == spec


class TestRead:
    async def test_no_spec_is_a_404(self, api: ApiClient) -> None:
        response = await api.get(path(await project_id(api)))
        assert response.status_code == 404
        assert response.json()["error_code"] == "callback_not_found"

    async def test_unknown_project_is_a_404(self, api: ApiClient) -> None:
        for project in ("999999", "id/nowhere"):
            response = await api.get(path(project))
            assert response.status_code == 404
            assert response.json()["error_code"] == "project_not_found"

    async def test_another_accounts_project_is_a_404_for_every_method(
        self, api: ApiClient, new_api: ApiFactory
    ) -> None:
        project, spec = await created(api)
        other = await new_api()
        for method, body in (("get", None), ("post", SPEC), ("put", SPEC), ("delete", None)):
            response = await other.request(method.upper(), path(project), json=body)
            assert response.status_code == 404, (method, response.text)
            assert response.json()["error_code"] == "project_not_found"
        assert (await api.get(path(project))).json() == spec


class TestUpdate:
    async def test_replaces_url_and_headers_and_keeps_the_secret(self, api: ApiClient) -> None:
        project, spec = await created(api)
        change = {"baseUrl": "https://new.example.com/hooks", "headers": {"X-Shop": "7"}}
        response = await api.put(path(project), json=change)
        assert response.status_code == 200, response.text
        assert response.json() == change | {"signingSecret": spec["signingSecret"]}
        assert (await api.get(path(project))).json() == response.json()

    async def test_headers_left_out_are_emptied(self, api: ApiClient) -> None:
        project, _ = await created(api)
        response = await api.put(path(project), json={"baseUrl": "https://new.example.com"})
        assert response.json()["headers"] == {}

    async def test_no_spec_is_a_404(self, api: ApiClient) -> None:
        project = await project_id(api)
        response = await api.put(path(project), json=SPEC)
        assert response.status_code == 404
        assert response.json()["error_code"] == "callback_not_found"
        assert (await api.get(path(project))).status_code == 404


class TestDelete:
    async def test_answers_204_and_the_spec_is_gone(self, api: ApiClient) -> None:
        project, spec = await created(api)
        response = await api.delete(path(project))
        assert (response.status_code, response.content) == (204, b"")
        assert (await api.get(path(project))).status_code == 404
        assert (await api.delete(path(project))).status_code == 404
        again = await api.post(path(project), json=SPEC)
        assert again.status_code == 200
        assert again.json()["signingSecret"] != spec["signingSecret"]
