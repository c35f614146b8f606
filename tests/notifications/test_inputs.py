"""A tag path that looks numeric to ``str.isdigit`` but is no id: read as a tag name, never a 500."""

from __future__ import annotations

import httpx
import pytest

from tests.notifications.conftest import Templates


@pytest.mark.parametrize("tag", ["²", "1²", "١٢"])
async def test_is_looked_up_by_name(api: httpx.AsyncClient, templates: Templates, tag: str) -> None:
    response = await api.post(
        f"/v1/tag/{tag}/notify", params={"templateId": templates.first}, json={"value": "Hello"}
    )
    assert response.status_code == 404, response.text
    assert response.json()["error_code"] == "tag_not_found"


@pytest.mark.parametrize("template_id", ["9223372036854775808", "²"])
async def test_a_template_id_that_cannot_be_one_is_400(api: httpx.AsyncClient, template_id: str) -> None:
    response = await api.post("/v1/tag/vip/notify", params={"templateId": template_id}, json={"value": "Hi"})
    assert response.status_code == 400, response.text
    assert response.json()["details"][0]["field"] == "templateId"
