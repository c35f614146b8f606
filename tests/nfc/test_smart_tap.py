"""Google passes are Smart Tap ready when their project has a Google (or ANY) NFC merchant: the class
enables Smart Tap with the project's issuer redeeming, the object carries its redemption value."""

from __future__ import annotations

from typing import Any

import pytest

from passmint.certificates.google_accounts import dev_google_account
from passmint.config import Settings
from tests.conftest import ApiClient
from tests.factories import create_pass, create_project
from tests.google import bodies
from tests.google.test_save_links import checked_payload, saved
from tests.support import google_schema

SMART_TAP_KEYS = {"enableSmartTap", "redemptionIssuers"}


async def coupon_project(api: ApiClient, *merchants: dict[str, Any]) -> tuple[int, int]:
    """A coupon project (barcode value ``coupon-1``) with these NFC merchants; its project and template."""
    project = await create_project(api, name="Smart Tap", projectType="coupon")
    for merchant in merchants:
        added = await api.post(f"/v1/project/{project['id']}/nfcMerchants", json=merchant)
        assert added.status_code in (200, 201), added.text
    response = await api.post(f"/v1/template/{project['id']}", json=bodies.trimmed(bodies.coupon_template()))
    assert response.status_code == 200, response.text
    answer = response.json()
    return project["id"], int(answer.get("templateId") or answer["id"])


async def rendered(api: ApiClient, pass_id: int) -> dict[str, Any]:
    """The pass's class and object, each checked against Google's schema."""
    response = await api.get(f"/v1/pass/{pass_id}/viewJSONPass")
    assert response.status_code == 200, response.text
    documents: dict[str, Any] = response.json()
    google_schema.check(documents["classType"], documents["class"])
    google_schema.check(documents["objectType"], documents["object"])
    return documents


@pytest.mark.parametrize("vendor", ["GOOGLE", "ANY"])
async def test_a_google_merchant_makes_class_and_object_smart_tap_ready(
    api: ApiClient, settings: Settings, vendor: str
) -> None:
    _, template = await coupon_project(api, {"vendor": vendor, "smartTapIssuerId": "3388000000012345"})
    made = await create_pass(api, template)
    documents = await rendered(api, made["id"])
    issuer = dev_google_account(settings.data_dir).issuer_id
    assert documents["class"]["enableSmartTap"] is True
    assert documents["class"]["redemptionIssuers"] == [issuer, "3388000000012345"]
    assert documents["object"]["smartTapRedemptionValue"] == "coupon-1"  # the barcode value

    claims, _ = await saved(api, made["id"], settings)
    [(kind, google_object)] = checked_payload(claims)
    assert kind == "offerObject" and google_object["smartTapRedemptionValue"] == "coupon-1"


async def test_the_nfc_message_comes_first_then_the_barcode_then_the_serial(api: ApiClient) -> None:
    _, template = await coupon_project(api, {"vendor": "GOOGLE"})
    with_message = await create_pass(api, template, {"nfc": {"message": "member 1234"}})
    assert (await rendered(api, with_message["id"]))["object"]["smartTapRedemptionValue"] == "member 1234"

    no_barcode = {"headers": {"barcode_value": {"value": ""}}}
    bare = await create_pass(api, template, no_barcode)
    documents = await rendered(api, bare["id"])
    assert "barcode" not in documents["object"]
    assert documents["object"]["smartTapRedemptionValue"] == bare["serialNumber"]
    assert documents["class"]["redemptionIssuers"] == [documents["class"]["id"].split(".")[0]]


@pytest.mark.parametrize("merchants", [[], [{"vendor": "APPLE"}]], ids=["none", "apple-only"])
async def test_without_a_google_merchant_there_is_no_smart_tap(
    api: ApiClient, settings: Settings, merchants: list[dict[str, Any]]
) -> None:
    _, template = await coupon_project(api, *merchants)
    made = await create_pass(api, template)
    documents = await rendered(api, made["id"])
    assert not SMART_TAP_KEYS & set(documents["class"])
    assert "smartTapRedemptionValue" not in documents["object"]
    claims, _ = await saved(api, made["id"], settings)
    assert all("smartTapRedemptionValue" not in body for _, body in checked_payload(claims))
