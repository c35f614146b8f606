"""A Google pass as the API prints it: the shape of the reference's Google pass response (L19981)."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from tests.google import bodies
from tests.google.test_save_links import google_pass

READ_ONLY_HERE = {"uaEntityId"}
"""Keys of the reference's answer passmint leaves out: ``uaEntityId`` is undocumented (G9)."""


def missing_keys(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Keys of ``expected`` (at every depth, null values aside) that ``actual`` lacks."""
    if not isinstance(expected, dict):
        return []
    if not isinstance(actual, dict):
        return [path or "."]
    found = []
    for key, value in expected.items():
        if value is None or key in READ_ONLY_HERE:
            continue
        if key not in actual:
            found.append(f"{path}{key}")
        else:
            found += missing_keys(value, actual[key], f"{path}{key}.")
    return found


async def test_a_coupon_pass_has_the_reference_google_pass_shape(api: httpx.AsyncClient) -> None:
    _, made = await google_pass(api, "coupon", bodies.coupon_template())
    answer = (await api.get(f"/v1/pass/{made['id']}")).json()
    reference = copy.deepcopy(bodies.reference_body(bodies.PASS_RESPONSE))
    reference["fields"]["Hero"] = reference["fields"].pop("imageModulesData")  # named by the template
    reference["fields"]["Hero"].pop("image")  # our module field keeps its image as the template sent it
    assert missing_keys(reference, answer) == []
    assert answer["fields"]["Coupon Title"]["description.string"] == "25% Off Online "
    assert answer["fields"]["image"]["fieldType"] == "titleModule"
    assert answer["fields"]["offerModule"]["provider"] == "Domino's Snap Offer"
    assert answer["headers"]["background_color"]["label"] == ""


async def test_a_google_pass_sent_back_as_read_is_accepted(api: httpx.AsyncClient) -> None:
    _, made = await google_pass(api, "coupon", bodies.coupon_template())
    answer = (await api.get(f"/v1/pass/{made['id']}")).json()
    fields = {name: field for name, field in answer["fields"].items() if name not in ("image", "offerModule")}
    response = await api.put(f"/v1/pass/{made['id']}", json={"headers": answer["headers"], "fields": fields})
    assert response.status_code == 200, response.text
