"""The links API: create (by ids, external ids, pass links), read, update, delete, list, and the passes."""

from __future__ import annotations

from typing import Any

import httpx

from tests.links.conftest import MakeLink, local

CREATED_KEYS = {"adaptiveLinkId", "url", "iosUrl", "androidUrl", "isPersonalized", "isExpired",
                "availablePasses", "ttlInDays", "iosTemplateId", "androidTemplateId", "projectId",
                "createdAt", "updatedAt", "iosPassLinkId", "androidPassLinkId", "status"}  # fmt: skip


class TestCreate:
    async def test_by_template_ids(self, make_link: MakeLink, templates: dict[str, int]) -> None:
        link = await make_link(isPersonalized="true", landingPageUrl="https://example.com/land", ttlInDays=30)
        assert set(link) >= CREATED_KEYS
        assert link["url"] == f"http://localhost/v1/pass/adaptive/{link['adaptiveLinkId']}"
        assert link["iosUrl"] == link["url"] + "/ios" and link["androidUrl"] == link["url"] + "/android"
        assert len(link["adaptiveLinkId"]) == 11 and link["adaptiveLinkId"].isalnum()
        assert (link["isPersonalized"], link["isExpired"], link["availablePasses"], link["ttlInDays"]) == (
            True, False, 1_000_000, 30)  # fmt: skip
        assert (link["iosTemplateId"], link["androidTemplateId"]) == (templates["ios"], templates["android"])
        assert "expirationDate" not in link

    async def test_by_template_external_ids(self, api: httpx.AsyncClient, templates: dict[str, int]) -> None:
        body = {
            "iosTemplateExternalId": "apple-card",
            "androidTemplateExternalId": "google-card",
            "payload": {},
        }
        response = await api.post("/v1/links/adaptive", json=body)
        assert response.status_code == 200, response.text
        assert response.json()["iosTemplateExternalId"] == "apple-card"
        assert response.json()["androidTemplateId"] == templates["android"]

    async def test_with_external_id_in_a_project(
        self, api: httpx.AsyncClient, make_link: MakeLink, project: dict[str, Any]
    ) -> None:
        link = await make_link("/v1/links/adaptive/project/id/links-project/id/spring")
        assert link["adaptiveLinkExternalId"] == "spring" and link["projectExternalId"] == "links-project"
        for path in ("/v1/links/adaptive/project/id/links-project/id/spring",
                     f"/v1/links/adaptive/project/{project['id']}/id/spring", "/v1/links/adaptive/spring",
                     f"/v1/links/adaptive/{link['adaptiveLinkId']}"):  # fmt: skip
            found = await api.get(path)
            assert found.status_code == 200 and found.json()["adaptiveLinkId"] == link["adaptiveLinkId"], path
        again = await api.post(
            "/v1/links/adaptive/project/id/links-project/id/spring",
            json={"iosTemplateExternalId": "apple-card", "payload": {}},
        )
        assert again.status_code == 409 and again.json()["error_code"] == "adaptive_link_external_id_taken"

    async def test_one_platform_only(self, api: httpx.AsyncClient, templates: dict[str, int]) -> None:
        response = await api.post(
            "/v1/links/adaptive", json={"iosTemplateId": templates["ios"], "payload": {}}
        )
        assert response.status_code == 200 and "androidTemplateId" not in response.json()

    async def test_from_a_dynamic_link(self, api: httpx.AsyncClient, templates: dict[str, int]) -> None:
        dynamic = await api.post(
            f"/v1/pass/{templates['ios']}/dynamic", json={"fields": {"Coupon": {"value": "5%"}}}
        )
        pass_link = dynamic.json()["url"].rsplit("/", 1)[1]
        response = await api.post("/v1/links/adaptive", json={"iosPassLinkId": pass_link})
        assert response.status_code == 200, response.text
        assert response.json()["iosPassLinkId"] == pass_link
        assert response.json()["iosTemplateId"] == templates["ios"]

    async def test_refusals(self, api: httpx.AsyncClient, templates: dict[str, int]) -> None:
        ios = templates["ios"]
        unknown_field = {"fields": {"Nope": {"value": "1"}}}
        cases: list[tuple[dict[str, Any], int, str]] = [
            ({"payload": {}}, 400, "iosTemplateId"),
            ({"iosTemplateId": ios}, 400, "payload"),
            ({"iosTemplateId": templates["android"], "payload": {}}, 400, "iosTemplateId"),
            ({"iosTemplateId": ios, "payload": unknown_field}, 400, "fields.Nope"),
            ({"iosTemplateId": ios, "payload": {}, "expirationDate": "2999-01-01"}, 400, "expirationDate"),
            ({"iosTemplateId": ios, "payload": {}, "parameterEncoding": "rot13"}, 400, "parameterEncoding"),
            ({"iosTemplateId": 999999, "payload": {}}, 404, ""),
            ({"iosPassLinkId": "44e128a5-ac7a-4c9a-be4c-224b6bf81b20"}, 404, ""),
        ]
        for body, status, field in cases:
            response = await api.post("/v1/links/adaptive", json=body)
            assert response.status_code == status, (body, response.text)
            if field:
                assert field in {d["field"] for d in response.json()["details"]}, response.text
        assert (await api.get("/v1/links/adaptive")).json() == {"links": []}


class TestReadUpdateDelete:
    async def test_partial_update(self, api: httpx.AsyncClient, make_link: MakeLink) -> None:
        link = await make_link(landingPageUrl="https://example.com/a", availablePasses=5)
        path = f"/v1/links/adaptive/{link['adaptiveLinkId']}"
        response = await api.put(path, json={"isPersonalized": True, "expirationDate": "2028-01-01"})
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated["isPersonalized"] is True and updated["expirationDate"] == "2028-01-01"
        assert updated["landingPageUrl"] == "https://example.com/a" and updated["availablePasses"] == 5
        assert updated["iosTemplateId"] == link["iosTemplateId"]

    async def test_update_payload_checks_it(self, api: httpx.AsyncClient, make_link: MakeLink) -> None:
        link = await make_link()
        path = f"/v1/links/adaptive/{link['adaptiveLinkId']}"
        bad = await api.put(path, json={"payload": {"fields": {"Nope": {"value": "x"}}}})
        assert bad.status_code == 400
        good = await api.put(path, json={"payload": {"fields": {"Coupon": {"value": "30%"}}}})
        assert good.status_code == 200 and good.json()["payload"] == {"fields": {"Coupon": {"value": "30%"}}}

    async def test_delete(self, api: httpx.AsyncClient, make_link: MakeLink) -> None:
        link = await make_link()
        path = f"/v1/links/adaptive/{link['adaptiveLinkId']}"
        assert (await api.delete(path)).json() == {}
        assert (await api.get(path)).status_code == 404
        assert (await api.delete(path)).status_code == 404

    async def test_other_accounts_links_are_not_found(self, make_link: MakeLink, new_api: Any) -> None:
        link = await make_link()
        other = await new_api()
        assert (await other.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}")).status_code == 404


class TestLists:
    async def test_account_project_and_template_lists(
        self, api: httpx.AsyncClient, make_link: MakeLink, project: dict[str, Any], templates: dict[str, int]
    ) -> None:
        made = [await make_link() for _ in range(3)]
        only_ios = (
            await api.post("/v1/links/adaptive", json={"iosTemplateId": templates["ios"], "payload": {}})
        ).json()
        everything = (await api.get("/v1/links/adaptive")).json()["links"]
        assert [link["adaptiveLinkId"] for link in everything] == [
            link["adaptiveLinkId"] for link in [*made, only_ios]]  # fmt: skip
        first = (await api.get(f"/v1/links/adaptive/projects/{project['id']}", params={"pageSize": 3})).json()
        assert len(first["links"]) == 3 and first["nextPageToken"]
        assert {"expiry", "doesAllowUrlParameters", "isAvailablePassesUnlimited", "status"} <= set(
            first["links"][0]
        )
        token = first["nextPageToken"]
        listing = f"/v1/links/adaptive/projects/{project['id']}"
        rest = (await api.get(listing, params={"pageSize": 3, "nextPageToken": token})).json()
        assert [link["adaptiveLinkId"] for link in rest["links"]] == [only_ios["adaptiveLinkId"]]
        assert "nextPageToken" not in rest
        google = (
            await api.get(f"/v1/links/adaptive/projects/{project['id']}/templates/{templates['android']}")
        ).json()
        assert len(google["links"]) == 3
        bad = await api.get(f"/v1/links/adaptive/projects/{project['id']}", params={"nextPageToken": "nope"})
        assert bad.status_code == 400 and bad.json()["details"][0]["field"] == "nextPageToken"


class TestLinkPasses:
    async def test_passes_of_a_link_by_external_id_and_their_update(
        self, api: httpx.AsyncClient, anonymous: httpx.AsyncClient, make_link: MakeLink
    ) -> None:
        link = await make_link("/v1/links/adaptive/project/id/links-project/id/member")
        ios = await anonymous.get(local(link["iosUrl"]), params={"exid": "m-1"})
        assert ios.status_code == 200, ios.text
        await anonymous.get(local(link["iosUrl"]))  # the shared pass: no external id
        listed = (await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}/passes")).json()
        assert listed["count"] == 2 and {p["platform"] for p in listed["passes"]} == {"ios"}
        assert listed["pagination"]["pageSize"] == 10
        by_project = await api.get("/v1/links/adaptive/project/id/links-project/id/member/passes",
                                   params={"status": "installed"})  # fmt: skip
        assert by_project.status_code == 200 and by_project.json()["count"] == 0
        found = (await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}/passes/id/m-1")).json()
        assert [p["externalId"] for p in found["passes"]] == ["m-1"]
        body = {"fields": {"Coupon": {"value": "50%"}}}
        updated = await api.put(
            "/v1/links/adaptive/project/id/links-project/id/member/passes/id/m-1", json=body
        )
        assert updated.status_code == 200, updated.text
        assert len(updated.json()["tickets"]) == 1
        pass_id = found["passes"][0]["id"]
        assert (await api.get(f"/v1/pass/{pass_id}")).json()["fields"]["Coupon"]["value"] == "50%"
        missing = await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}/passes/id/nobody")
        assert missing.status_code == 404
