"""Objects the fuzzer's requests can reach, made through the API and named by the path slot that takes them.

Each operation gets fresh ones, and only the kinds its slots name (a pass for ``{passId}``, a device
registration for ``{deviceLibraryIdentifier}``...), so every test stands alone and seeding stays cheap.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from passmint.apple import make_dev_certificates
from tests.factories import apple_template, data_url, png

PASS_TYPE = "pass.dev.passmint"
"""The pass type of passes signed with the development certificates (no certificate uploaded)."""
DEVICE = "fuzz-device"
CERTIFICATE_PASS_TYPE = "pass.com.example.fuzz"

KIND_BY_SLOT = {
    "projectId": "project",
    "externalId": "project",
    "campaign_type": "project",
    "templateId": "template",
    "templateExternalId": "template",
    "passId": "pass",
    "id": "pass",  # /v1/template/{id} and /v1/pass/{id} (merged paths): a project, template or pass
    "pass_id": "pass",
    "passExternalId": "pass",
    "serialNumber": "registration",
    "token": "pass",
    "tag": "pass",
    "locationId": "locations",
    "deviceLibraryIdentifier": "registration",
    "passTypeIdentifier": "registration",
    "authorization": "registration",
    "certificateId": "certificate",
    "scheduleId": "schedule",
    "ticketId": "ticket",
    "adaptiveLinkId": "link",
    "adaptiveLinkExternalId": "link",
}
KIND_BY_PATH_PART = {
    "callback": "callback",
    "personaliz": "personalization",
    "certificates": "certificate",
    "/v1/pass": "pass",
}
REQUIRES = {
    "template": ("project",),
    "pass": ("template",),
    "locations": ("pass",),
    "registration": ("pass",),
    "ticket": ("pass",),
    "personalization": ("template",),
    "callback": ("project",),
    "schedule": ("project",),
    "link": ("template",),
}


def kinds_for(path: str, slots: list[str]) -> list[str]:
    """What to seed for an operation at ``path`` with these parameter names, dependencies first."""
    wanted = {KIND_BY_SLOT[slot] for slot in slots if slot in KIND_BY_SLOT}
    wanted |= {kind for part, kind in KIND_BY_PATH_PART.items() if part in path}
    if "{" not in path:
        wanted.add("pass")  # lists and creations: something to list, names to collide with
    ordered: list[str] = []

    def add(kind: str) -> None:
        for required in REQUIRES.get(kind, ()):
            add(required)
        if kind not in ordered:
            ordered.append(kind)

    for kind in sorted(wanted):
        add(kind)
    return ordered


@dataclass
class Seeds:
    """Values that name seeded objects, by the path parameter (or header) that takes them."""

    by_slot: dict[str, list[str]] = field(default_factory=dict)
    made: dict[str, Any] = field(default_factory=dict)

    def add(self, slot: str, *values: object) -> None:
        self.by_slot.setdefault(slot, []).extend(str(value) for value in values)


def certificate_upload() -> dict[str, Any]:
    """A Pass Type ID certificate as a client uploads it (a .p12, base64, with its password)."""
    made = make_dev_certificates(CERTIFICATE_PASS_TYPE, "TEAMFUZZ01", p12_password=b"fuzz")
    return {"name": "fuzz", "certificate": base64.b64encode(made.p12).decode(), "password": "fuzz"}


async def seed(api: httpx.AsyncClient, kinds: list[str], certificate: dict[str, Any]) -> Seeds:
    """Make each of ``kinds`` (in order) through the API."""
    seeds = Seeds()
    for kind in kinds:
        await STEPS[kind](api, seeds, certificate)
    for slot in ("projectId", "templateId", "passId"):
        seeds.add("id", *seeds.by_slot.get(slot, []))
    return seeds


async def _json(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json() if response.content else None


async def _project(api: httpx.AsyncClient, seeds: Seeds, _: Any) -> None:
    body = {"name": "Fuzz", "projectType": "memberCard", "description": "Seeded", "settings": {}}
    project = await _json(await api.post("/v1/project/id/fuzz-project", json=body))
    seeds.made["project"] = project["id"]
    seeds.add("projectId", project["id"], "id/fuzz-project")
    seeds.add("externalId", "fuzz-project")
    seeds.add("campaign_type", "loyalty")


async def _template(api: httpx.AsyncClient, seeds: Seeds, _: Any) -> None:
    body = apple_template(name="Fuzz card")
    body["headers"] = {"icon_image": {"fieldType": "image", "value": data_url(png(29, 29))}}
    path = f"/v1/template/{seeds.made['project']}/id/fuzz-template"
    template_id = (await _json(await api.post(path, json=body)))["templateId"]
    seeds.made["template"] = template_id
    seeds.add("templateId", template_id, "id/fuzz-template")
    seeds.add("templateExternalId", "fuzz-template")


async def _pass(api: httpx.AsyncClient, seeds: Seeds, _: Any) -> None:
    path = f"/v1/pass/{seeds.made['template']}/id/fuzz-pass"
    pass_ = await _json(await api.post(path, json={"tags": ["fuzz-tag"]}))
    seeds.made["pass"] = pass_
    seeds.add("passId", pass_["id"], "id/fuzz-pass")
    seeds.add("pass_id", pass_["id"])
    seeds.add("passExternalId", "fuzz-pass")
    seeds.add("serialNumber", pass_["serialNumber"])
    seeds.add("token", pass_["publicUrl"]["path"].rstrip("/").rsplit("/", 1)[-1])
    seeds.add("tag", "fuzz-tag")


async def _locations(api: httpx.AsyncClient, seeds: Seeds, _: Any) -> None:
    location = {"locations": [{"latitude": 45.5, "longitude": -122.6, "relevantText": "Nearby"}]}
    template, pass_ = seeds.made["template"], seeds.made["pass"]["id"]
    on_template = await _json(await api.post(f"/v1/template/{template}/locations", json=location))
    on_pass = await _json(await api.post(f"/v1/pass/{pass_}/locations", json=location))
    seeds.add("locationId", *(row["locationId"] for row in on_template))
    seeds.add("locationId", *(row["passLocationId"] for row in on_pass))


async def _registration(api: httpx.AsyncClient, seeds: Seeds, _: Any) -> None:
    """The pass on a device, as Apple Wallet registers it when the pass is added."""
    pass_ = seeds.made["pass"]
    token = (await _json(await api.get(f"/v1/pass/{pass_['id']}/viewJSONPass")))["authenticationToken"]
    path = f"/apple/v1/devices/{DEVICE}/registrations/{PASS_TYPE}/{pass_['serialNumber']}"
    headers = {"Authorization": f"ApplePass {token}"}
    await _json(await api.post(path, json={"pushToken": "fuzz-push-token"}, headers=headers), 201)
    seeds.add("deviceLibraryIdentifier", DEVICE)
    seeds.add("passTypeIdentifier", PASS_TYPE)
    seeds.add("authorization", f"ApplePass {token}")


async def _ticket(api: httpx.AsyncClient, seeds: Seeds, _: Any) -> None:
    body = {"label": "Fuzz", "value": "Hello"}
    ticket = await _json(await api.post(f"/v1/pass/{seeds.made['pass']['id']}/notify", json=body))
    seeds.add("ticketId", ticket["ticketId"])


async def _personalization(api: httpx.AsyncClient, seeds: Seeds, _: Any) -> None:
    body = {"requiredPersonalizationFields": ["name"], "description": "Sign up", "termsAndConditions": "T"}
    await _json(await api.post(f"/v1/template/{seeds.made['template']}/personalization", json=body))


async def _callback(api: httpx.AsyncClient, seeds: Seeds, _: Any) -> None:
    body = {"baseUrl": "https://hooks.example.com/fuzz"}
    await _json(await api.post(f"/v1/project/{seeds.made['project']}/settings/callback", json=body))


async def _schedule(api: httpx.AsyncClient, seeds: Seeds, _: Any) -> None:
    body = {
        "name": "Fuzz",
        "schedule": {"scheduled_time": "2100-01-01T00:00:00"},
        "update": {"audience": "all", "pass": {"fields": {"Coupon": {"value": "30%"}}}},
    }
    schedule = await _json(await api.post(f"/v1/schedules/{seeds.made['project']}", json=body))
    seeds.add("scheduleId", *(row["url"].rsplit("/", 1)[-1] for row in schedule["schedules"]))


async def _certificate(api: httpx.AsyncClient, seeds: Seeds, certificate: dict[str, Any]) -> None:
    added = await _json(await api.post("/v1/certificates", json=certificate), 201)
    seeds.add("certificateId", added["id"])
    seeds.add("passTypeIdentifier", CERTIFICATE_PASS_TYPE)


async def _link(api: httpx.AsyncClient, seeds: Seeds, _: Any) -> None:
    """An adaptive link of the template, and a pass it made (opened as an iPhone, with an external id)."""
    body = {"iosTemplateId": seeds.made["template"], "payload": {}}
    path = f"/v1/links/adaptive/project/{seeds.made['project']}/id/fuzz-link"
    link = await _json(await api.post(path, json=body))
    opened = await api.get(
        f"/v1/pass/adaptive/{link['adaptiveLinkId']}/ios", params={"exid": "fuzz-link-pass"}
    )
    assert opened.status_code == 200, opened.text
    seeds.add("adaptiveLinkId", link["adaptiveLinkId"], "fuzz-link")
    seeds.add("adaptiveLinkExternalId", "fuzz-link")
    seeds.add("passExternalId", "fuzz-link-pass")


STEPS: dict[str, Callable[[httpx.AsyncClient, Seeds, dict[str, Any]], Awaitable[None]]] = {
    "project": _project,
    "template": _template,
    "pass": _pass,
    "locations": _locations,
    "registration": _registration,
    "ticket": _ticket,
    "personalization": _personalization,
    "callback": _callback,
    "schedule": _schedule,
    "certificate": _certificate,
    "link": _link,
}
