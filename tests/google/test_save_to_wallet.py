"""``POST /v1/pass/{templateId}/saveToWallet`` (L18043): a new Google pass and its Save to Google Wallet
button, or its save link as JSON."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from passmint.config import Settings
from tests.factories import create_project, create_template
from tests.google import bodies
from tests.google.test_save_links import SAVE_URL, checked_payload, verified

BODY = {
    "fields": {"Points": {"value": "600"}},
    "tag": "abc",
    "externalId": "UserName",
    "onSuccess": "mySuccessFunc()",
    "onFail": "myFailureFunc()",
}


async def google_template(api: httpx.AsyncClient) -> int:
    project = await create_project(api, name="Google", projectType="memberCard")
    return await create_template(api, project["id"], bodies.trimmed(bodies.v1_template()))


async def test_the_reference_example_answers_the_button_page(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    template_id = await google_template(api)
    response = await api.post(f"/v1/pass/{template_id}/saveToWallet", json=BODY)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<script src="https://apis.google.com/js/platform.js"' in page
    assert 'onsuccess="mySuccessFunc"' in page and 'onfailure="myFailureFunc"' in page
    token = html.unescape(re.search(r'<g:savetoandroidpay jwt="([^"]+)"', page)[1])  # type: ignore[index]
    [(kind, loyalty_object)] = checked_payload(verified(token, settings))
    assert kind == "loyaltyObject"
    assert loyalty_object["loyaltyPoints"]["balance"] == {"int": 600}
    made = (await api.get(f"/v1/pass/template/{template_id}/id/UserName")).json()
    assert made["tags"] == ["abc"]
    assert loyalty_object["id"].endswith(f".p{made['id']}")


async def test_json_answers_the_pass_and_its_save_link(api: httpx.AsyncClient, settings: Settings) -> None:
    template_id = await google_template(api)
    response = await api.post(
        f"/v1/pass/{template_id}/saveToWallet", json=BODY, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    assert set(answer) == {"passId", "externalId", "saveUrl", "jwt", "classId", "objectId"}
    assert answer["saveUrl"] == SAVE_URL + answer["jwt"] and answer["externalId"] == "UserName"
    checked_payload(verified(answer["jwt"], settings))


async def test_an_apple_template_is_400_and_makes_no_pass(api: httpx.AsyncClient) -> None:
    project = await create_project(api)
    template_id = await create_template(api, project["id"])
    response = await api.post(f"/v1/pass/{template_id}/saveToWallet", json=BODY)
    assert response.status_code == 400
    assert response.json()["error_code"] == "not_a_google_template"
    assert (await api.get(f"/v1/template/{template_id}/passes")).json()["count"] == 0


async def test_a_callback_must_be_a_function_name(api: httpx.AsyncClient) -> None:
    template_id = await google_template(api)
    body = BODY | {"onSuccess": "alert(1)//"}
    response = await api.post(f"/v1/pass/{template_id}/saveToWallet", json=body)
    assert response.status_code == 400
    assert response.json()["details"][0]["field"].endswith("onSuccess")
