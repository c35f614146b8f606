"""A Google NFC merchant added or deleted reaches Google: the project's classes and known objects are
sent again, with Smart Tap on, then off (the class
is replaced; the object, patched, keeps a value no terminal asks for)."""

from __future__ import annotations

import copy

from passmint.db import Database
from passmint.google.ids import class_id, object_id
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from tests.conftest import ApiClient
from tests.factories import GOOGLE_TEMPLATE, create_pass, create_project, create_template
from tests.googleapi.test_sync import DEV_ISSUER, insert_now
from tests.support.google_standin import GoogleStandin


async def test_a_google_merchant_turns_smart_tap_on_and_off_at_google(
    api: ApiClient, database: Database, google_context: JobContext, standin: GoogleStandin
) -> None:
    project_id = (await create_project(api))["id"]
    template_id = await create_template(api, project_id, copy.deepcopy(GOOGLE_TEMPLATE))
    await Worker(database, google_context).run_until_idle()  # the class inserted at creation
    made = await create_pass(api, template_id)
    await insert_now(database, api, google_context, made["id"])
    klass, objekt = class_id(DEV_ISSUER, template_id), object_id(DEV_ISSUER, made["id"])
    assert "enableSmartTap" not in (standin.resource("loyaltyClass", klass) or {})

    apple = await api.post(f"/v1/project/{project_id}/nfcMerchants", json={"vendor": "APPLE"})
    assert apple.status_code in (200, 201), apple.text
    await Worker(database, google_context).run_until_idle()
    assert "enableSmartTap" not in (standin.resource("loyaltyClass", klass) or {})

    added = await api.post(f"/v1/project/{project_id}/nfcMerchants", json={"vendor": "GOOGLE"})
    assert added.status_code in (200, 201), added.text
    await Worker(database, google_context).run_until_idle()
    google_class = standin.resource("loyaltyClass", klass) or {}
    assert google_class.get("enableSmartTap") is True and google_class["redemptionIssuers"] == [DEV_ISSUER]
    assert (standin.resource("loyaltyObject", objekt) or {}).get("smartTapRedemptionValue")

    merchant = added.json().get("merchantId") or added.json()["id"]
    deleted = await api.delete(f"/v1/project/{project_id}/nfcMerchants/{merchant}")
    assert deleted.status_code == 200, deleted.text
    await Worker(database, google_context).run_until_idle()
    assert "enableSmartTap" not in (standin.resource("loyaltyClass", klass) or {})
    # the object is patched, so Google keeps its old value: harmless with Smart Tap off on the class
