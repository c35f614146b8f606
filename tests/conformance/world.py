"""The objects a reference example talks about, made through the API, and the example rewritten to name them.

An example names objects by the reference's ids (``/v1/pass/template/123/id/mypass``). The world makes a
project, templates (from the reference's own create examples), a pass and whatever else a slot asks for,
lazily, and puts their ids where the example had its own, in the path, the query and the body. Internet
image URLs become ``data:`` images, so no test touches the network.

A new feature adds only setup here: a line in ``SLOT_KINDS`` for a new kind of path slot, a maker for
its objects, and, when an operation needs some state first (an existing callback spec, say), a line in
``PREPARE``. Operations the reference prints with no heading carry the example's own ids in their path
(``GET /links/adaptive/abchd345678``): ``EXAMPLE_IDS`` names the kind of each such id.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from tests.certificates.conftest import p12_upload
from tests.conformance.reference import Example
from tests.factories import data_url, png

IMAGE_URL = re.compile(r"^https?://\S+\.(png|jpe?g|gif)$", re.IGNORECASE)
SLOT = re.compile(r"\\\{(\w+)\\\}")
SLOT_KINDS = {
    "projectId": "project", "projectExternalId": "project", "templateId": "template",
    "templateExternalId": "template", "passId": "pass", "passExternalId": "pass", "locationId": "location",
    "passLocationId": "location", "ticketId": "ticket", "scheduleId": "schedule", "tag": "tag",
    "adaptiveLinkId": "link", "adaptiveLinkExternalId": "link", "startDate": "date", "endDate": "date",
    "merchantId": "merchant",
    "segmentId": "segment", "pass": "pass",
    "flightId": "flight", "flightExternalId": "flight", "eventId": "event", "eventExternalId": "event",
    "passGroup": "passGroup",
}  # fmt: skip
"""What kind of object a path slot of the reference names; ``{id}`` and ``{externalId}`` take the kind of
the path's first segment (``/template/{id}``, ``/pass/id/{externalId}``)."""
LINK_PASS_OPERATIONS = [
    f"{method} /links/adaptive/{link}/passes/id/{{passExternalId}}"
    for method in ("GET", "PUT")
    for link in ("project/id/{projectExternalId}/id/{adaptiveLinkExternalId}", "{adaptiveLinkId}")
]
SLOT_OVERRIDES = {
    ("POST /pass/{id}", "id"): "template", ("POST /template/{id}", "id"): "project",
    **{(operation, "passExternalId"): "link-pass" for operation in LINK_PASS_OPERATIONS},
}  # fmt: skip
"""Slots whose name says nothing: ``POST /pass/{id}`` names the template the pass is made from,
``POST /template/{id}`` the project the template is made in; a link's pass is one the link made."""
EXAMPLE_IDS = {
    "abchd345678": "link", "as3shd345": "link", "rthBWAWDaAA": "link", "Y0E6EXuTx5i": "link-2",
    "12345": "project",  # POST /links/adaptive/multiple/project/12345, printed with no heading
}  # fmt: skip
"""Ids the reference's examples print in place of a slot, and the kind of object each names."""
FIRST_SEGMENT_KINDS = {
    "project": "project", "template": "template", "templates": "template", "pass": "pass",
    "certificates": "certificate", "schedules": "schedule", "ticket": "ticket", "flights": "project",
    "events": "project",
}  # fmt: skip
GOOGLE_MODULES = {
    "titleModule", "infoModuleData", "textModulesData", "linksModuleData", "pointsModule", "loyaltyPoints",
    "acctModule", "imageModulesData", "messageModule", "offerModule", "notAssigned",
}  # fmt: skip
GOOGLE_OPERATIONS = {"POST /pass/{templateId}/saveToWallet"}
"""Operations only a Google template can serve, whatever their example's body says."""
GOOGLE_ONLY_SUFFIXES = ("/message",)
"""Operations of the reference's "Google Passes Only" section: the pass they name is a Google pass."""
VENDORED = frozenset({"template", "pass"})
"""Kinds of object made for the vendor the example is about."""
HEADER_NAMES = {"thumbnail_image", "barcode_value", "barcodeAltText", "expirationDate"}
APPLE_TEMPLATE_EXAMPLE = 2014
GOOGLE_TEMPLATE_EXAMPLE = 2209
PERSONALIZATION_EXAMPLE = 5189
CALLBACK_EXAMPLE = 14851
SCHEDULE_EXAMPLE = 18251
FLIGHT_EXAMPLE = 12227
EVENT_EXAMPLE = 13693
PASS_GROUP = "conformance-group"


class World:
    """One account's objects for one example, made on first use through the API."""

    def __init__(self, api: httpx.AsyncClient, examples: dict[int, Example], example: Example) -> None:
        self.api = api
        self.examples = examples
        self.example = example
        self.made: dict[str, dict[str, Any]] = {}
        self.fresh = 0

    # -- the example, rewritten -------------------------------------------------------------------

    async def request(self, example: Example) -> tuple[str, str, Any]:
        """The example's method, target and body, naming this world's objects."""
        google = (
            wants_google(example.body)
            or example.operation in GOOGLE_OPERATIONS
            or example.operation.endswith(GOOGLE_ONLY_SUFFIXES)
        )
        vendor = "Google" if google else "Apple"
        path = await self._path(example, vendor)
        query = await self._query(example.query, vendor)
        body = await self._body(example, vendor)
        return example.method, path + (f"?{query}" if query else ""), body

    async def _path(self, example: Example, vendor: str) -> str:
        method, template = example.operation.split(" ", 1)
        names = SLOT.findall(re.escape(template))
        pattern = "(?:/v1)?" + SLOT.sub(lambda m: f"(?P<{m.group(1)}>(?:id/)?[^/]+)", re.escape(template))
        match = re.fullmatch(pattern, example.path)
        if match is None:
            raise AssertionError(f"{example.name}: its path does not fit its operation {example.operation}")
        first = template.strip("/").split("/")[0]
        path = example.path
        for name in reversed(names):
            kind = (
                SLOT_OVERRIDES.get((example.operation, name))
                or SLOT_KINDS.get(name)
                or FIRST_SEGMENT_KINDS[first]
            )
            bare = name.lower().endswith("externalid")
            creating = method == "POST" and bare and match.end(name) == len(path)
            value = await self._slot(kind, match.group(name), creating, bare, example.path, vendor)
            path = path[: match.start(name)] + value + path[match.end(name) :]
        parts = [await self._example_id(part) for part in path.split("/")]
        return "/".join(parts)

    async def _example_id(self, raw: str) -> str:
        """An id an example prints in its path or query, as the id of this world's object of its kind."""
        kind = EXAMPLE_IDS.get(raw)
        return raw if kind is None else str((await MAKERS[kind](self))["id"])

    async def _slot(self, kind: str, raw: str, creating: bool, bare: bool, path: str, vendor: str) -> str:
        """The value for one slot: an object of this world by id, ``id/`` and external id, or a bare
        external id (``{passExternalId}``); a new external id where the operation creates the object."""
        external = raw.startswith("id/")
        if kind == "date":  # a day of an activity range, as the example writes it
            return raw
        if creating:
            self.fresh += 1
            return f"new-{kind}-{self.fresh}"
        if kind == "location":
            owner = "pass" if "/pass/" in path else "template"
            return str((await self.location(owner))["id"])
        if kind == "tag":
            await self.pass_()
            return "conformance-tag"
        if kind == "passGroup":
            await (self.event() if "/events/" in path else self.flight())
            return PASS_GROUP
        made = await MAKERS[kind](self, vendor) if kind in VENDORED else await MAKERS[kind](self)
        if bare or external:
            return ("id/" if external else "") + str(made["externalId"])
        return str(made["id"])

    async def _query(self, query: str, vendor: str) -> str:
        pairs = []
        for key, value in parse_qsl(query, keep_blank_values=True):
            if key == "templateId":
                value = str((await self.template(vendor))["id"])
            elif key == "passIds":
                value = str((await self.pass_())["id"])
            elif key == "exids":
                value = (await self.pass_())["externalId"]
            elif key == "ids":
                value = ",".join([await self._example_id(part) for part in value.split(",")])
            pairs.append((key, value))
        return urlencode(pairs, safe=",/")

    async def _body(self, example: Example, vendor: str) -> Any:
        body = copy.deepcopy(example.body)
        override = BODY_CHANGES.get(example.operation)
        if override is not None and isinstance(body, dict):
            body.update(await override(self))
        return await self._ids_in(data_images(body), vendor)

    async def _ids_in(self, body: Any, vendor: str) -> Any:
        if not isinstance(body, dict):
            return body
        if "projectId" in body:
            body["projectId"] = type(body["projectId"])((await self.project())["id"])
        if isinstance(body.get("templates"), list):
            body["templates"] = [(await self.template(vendor))["id"]]
        return body

    # -- makers -------------------------------------------------------------------------------------

    async def _post(self, path: str, body: Any) -> dict[str, Any]:
        response = await self.api.post(path, json=body)
        assert response.status_code in (200, 201), f"setup: POST {path}: {response.text}"
        return response.json()  # type: ignore[no-any-return]

    async def project(self) -> dict[str, Any]:
        if "project" not in self.made:
            sent = self.example.body if isinstance(self.example.body, dict) else {}
            kind = sent.get("projectType") if "template" in self.example.operation else None
            body = {"name": "Conformance", "projectType": kind or "memberCard", "description": "Examples"}
            self.made["project"] = await self._post("/v1/project/id/conformance-project", body)
        return self.made["project"]

    async def template(self, vendor: str = "Apple") -> dict[str, Any]:
        key = f"template-{vendor}"
        if key not in self.made:
            line = APPLE_TEMPLATE_EXAMPLE if vendor == "Apple" else GOOGLE_TEMPLATE_EXAMPLE
            body = data_images(copy.deepcopy(self.examples[line].body))
            body.pop("projectId", None), body.pop("projectType", None)
            in_modules = {name for part in body.values() if isinstance(part, dict) for name in part}
            named = self._fields_the_example_names(
                vendor, {**body.get("fields", {}), **dict.fromkeys(in_modules)}
            )
            body.setdefault("fields", {}).update(named)
            external_id = f"conformance-{vendor.lower()}"
            project = await self.project()
            made = await self._post(f"/v1/template/{project['id']}/id/{external_id}", body)
            self.made[key] = {"id": made["templateId"], "externalId": external_id}
        return self.made[key]

    def _fields_the_example_names(self, vendor: str, known: dict[str, Any]) -> dict[str, Any]:
        """Fields the example's pass values name that the template example lacks (examples of pass updates
        speak of templates with other fields: ``Seat``, ``Points``)."""
        body = self.example.body if isinstance(self.example.body, dict) else {}
        if isinstance(body.get("payload"), dict):
            body = body["payload"]  # an adaptive link's: what its passes show
        named = body.get("fields") if isinstance(body.get("fields"), dict) else {}
        named = {**named, **people_fields(body)}
        if any(isinstance(field, dict) and "fieldType" in field for field in named.values()):
            return {}  # a template body: its fields are what is being sent, not what the template has
        group = "back" if vendor == "Apple" else "textModulesData"
        return {
            name: {"fieldType": group, "label": name, "value": "",
                   "formatType": "Number" if isinstance(field.get("value"), int | float) else "String"}
            for name, field in named.items()
            if name not in known and name not in HEADER_NAMES and isinstance(field, dict)
        }  # fmt: skip

    async def pass_(self, vendor: str = "Apple") -> dict[str, Any]:
        key = "pass" if vendor == "Apple" else f"pass-{vendor}"
        if key not in self.made:
            template = await self.template(vendor)
            body = {"tags": ["conformance-tag"]}
            self.made[key] = await self._post(f"/v1/pass/{template['id']}/id/conformance-pass", body)
        return self.made[key]

    async def location(self, owner: str) -> dict[str, Any]:
        key = f"location-{owner}"
        if key not in self.made:
            spot = {"latitude": 37.618, "longitude": -122.374}
            if owner == "pass":
                made = await self._post(
                    f"/v1/pass/{(await self.pass_())['id']}/locations", {"locations": [spot]}
                )
                self.made[key] = {"id": made[-1]["passLocationId"]}
            else:
                template = await self.template()
                made = await self._post(f"/v1/template/{template['id']}/locations", {"locations": [spot]})
                self.made[key] = {"id": made[-1]["locationId"]}
        return self.made[key]

    async def ticket(self) -> dict[str, Any]:
        if "ticket" not in self.made:
            response = await self.api.put(f"/v1/pass/{(await self.pass_())['id']}", json={})
            assert response.status_code == 200, response.text
            self.made["ticket"] = {"id": response.json()["ticketId"]}
        return self.made["ticket"]

    async def certificate(self) -> dict[str, Any]:
        if "certificate" not in self.made:
            self.made["certificate"] = await self._post("/v1/certificates", await certificate_upload(self))
        return self.made["certificate"]

    async def schedule(self) -> dict[str, Any]:
        if "schedule" not in self.made:
            body = self.examples[SCHEDULE_EXAMPLE].body | await future_schedule(self)
            made = await self._post(f"/v1/schedules/{(await self.project())['id']}", body)
            self.made["schedule"] = {"id": made["schedule_urls"][0].rsplit("/", 1)[1]}
        return self.made["schedule"]

    async def merchant(self) -> dict[str, Any]:
        if "merchant" not in self.made:
            path = f"/v1/project/{(await self.project())['id']}/nfcMerchants"
            body = {"vendor": "APPLE", "merchantName": "Conformance", "merchantEmail": "nfc@example.com",
                    "terminalProvider": "Verifone"}  # fmt: skip
            made = await self._post(path, body)
            self.made["merchant"] = {"id": made["merchantId"]}
        return self.made["merchant"]

    async def segment(self) -> dict[str, Any]:
        if "segment" not in self.made:
            body = {"criteria": {"tag": "conformance-tag"}, "display_name": "Conformance"}
            made = await self._post(f"/v1/segments/{(await self.project())['id']}", body)
            self.made["segment"] = {"id": made["segmentId"]}
        return self.made["segment"]

    async def callback(self) -> None:
        project = await self.project()
        await self._post(
            f"/v1/project/{project['id']}/settings/callback", self.examples[CALLBACK_EXAMPLE].body
        )

    async def link(self, number: int = 1) -> dict[str, Any]:
        """An adaptive link of the world's Apple and Google templates (``link-2``: a second one)."""
        key = "link" if number == 1 else f"link-{number}"
        if key not in self.made:
            apple, google = await self.template("Apple"), await self.template("Google")
            body = {"iosTemplateId": apple["id"], "androidTemplateId": google["id"], "payload": {},
                    "landingPageUrl": "https://example.com/landing.html"}  # fmt: skip
            external_id = f"conformance-{key}"
            made = await self._post(
                f"/v1/links/adaptive/project/{(await self.project())['id']}/id/{external_id}", body
            )
            self.made[key] = {"id": made["adaptiveLinkId"], "externalId": external_id}
        return self.made[key]

    async def second_link(self) -> dict[str, Any]:
        return await self.link(2)

    async def link_pass(self) -> dict[str, Any]:
        """A pass the world's link made: the link opened as an iPhone, with an external id."""
        if "link-pass" not in self.made:
            link = await self.link()
            response = await self.api.get(
                f"/v1/pass/adaptive/{link['id']}/ios", params={"exid": "conformance-link-pass"}
            )
            assert response.status_code == 200, f"setup: opening the link: {response.text}"
            self.made["link-pass"] = {"externalId": "conformance-link-pass"}
        return self.made["link-pass"]

    async def pass_links(self) -> dict[str, Any]:
        """Pass links (dynamic links) of the world's Apple and Google templates, where the example
        names pass links, and the world's templates where it names templates."""
        sent = self.example.body if isinstance(self.example.body, dict) else {}
        changes: dict[str, Any] = {}
        for platform, vendor in (("ios", "Apple"), ("android", "Google")):
            template = await self.template(vendor)
            if f"{platform}TemplateId" in sent:
                changes[f"{platform}TemplateId"] = template["id"]
            if f"{platform}TemplateExternalId" in sent:
                changes[f"{platform}TemplateExternalId"] = template["externalId"]
            if f"{platform}PassLinkId" in sent:
                made = await self._post(f"/v1/pass/{template['id']}/dynamic", {})
                changes[f"{platform}PassLinkId"] = made["url"].rsplit("/", 1)[1]
        return changes

    async def personalization(self) -> None:
        template = await self.template()
        body = self.examples[PERSONALIZATION_EXAMPLE].body
        await self._post(f"/v1/template/{template['id']}/personalization", body)

    async def flight(self) -> dict[str, Any]:
        return await self._journey("flight", FLIGHT_EXAMPLE)

    async def event(self) -> dict[str, Any]:
        return await self._journey("event", EVENT_EXAMPLE)

    async def _journey(self, kind: str, line: int) -> dict[str, Any]:
        """A flight or an event (from the reference's create example) in the world's pass group."""
        if kind not in self.made:
            body = copy.deepcopy(self.examples[line].body) | {"passGroups": [PASS_GROUP]}
            project = await self.project()
            made = await self._post(f"/v1/{kind}s/project/{project['id']}/id/conformance-{kind}", body)
            self.made[kind] = {"id": made[f"{kind}Id"], "externalId": f"conformance-{kind}"}
        return self.made[kind]


MAKERS: dict[str, Callable[..., Awaitable[dict[str, Any]]]] = {
    "project": World.project,
    "template": World.template,
    "pass": World.pass_,
    "ticket": World.ticket,
    "certificate": World.certificate,
    "schedule": World.schedule,
    "link": World.link,
    "link-2": World.second_link,
    "link-pass": World.link_pass,
    "merchant": World.merchant,
    "segment": World.segment,
    "flight": World.flight,
    "event": World.event,
}


async def certificate_upload(world: World) -> dict[str, Any]:
    upload = p12_upload("pass.com.example.conformance", "TEAM000001")
    return {"certificate": upload.certificate, "password": upload.password}


async def future_schedule(world: World) -> dict[str, Any]:
    """The examples' times have passed; a schedule must be in the future."""
    when = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S")
    return {"schedule": {"scheduled_time": when}}


BODY_CHANGES: dict[str, Callable[[World], Awaitable[dict[str, Any]]]] = {
    "POST /certificates": certificate_upload,
    "PUT /certificates/{id}": certificate_upload,
    "POST /schedules/{projectId}": future_schedule,
    "PUT /schedules/{projectId}/{scheduleId}": future_schedule,
    "POST /links/adaptive": World.pass_links,
    "PUT /links/adaptive/as3shd345": World.pass_links,
    "POST /links/adaptive/project/id/{projectExternalId}/id/{adaptiveLinkExternalId}": World.pass_links,
    "POST /links/adaptive/project/{projectId}/id/{adaptiveLinkExternalId}": World.pass_links,
    "POST /links/adaptive/multiple/project/12345": World.pass_links,
}
"""Body keys an example cannot send as printed: a real certificate in place of the placeholder text, a
time still to come in place of a date that has passed, the world's templates and pass links in place of
the reference's ids."""

PREPARE: dict[str, Callable[[World], Awaitable[None]]] = {
    "GET /project/{projectId}/settings/callback": World.callback,
    "PUT /project/{projectId}/settings/callback": World.callback,
    "DELETE /project/{projectId}/settings/callback": World.callback,
    "GET /template/{templateId}/personalization": World.personalization,
    "PUT /template/{templateId}/personalization": World.personalization,
    "DELETE /template/{templateId}/personalization": World.personalization,
}
"""State an operation needs before its example can be sent."""


def data_images(value: Any) -> Any:
    """``value`` with every internet image URL replaced by a ``data:`` PNG."""
    if isinstance(value, dict):
        return {key: data_images(item) for key, item in value.items()}
    if isinstance(value, list):
        return [data_images(item) for item in value]
    if isinstance(value, str) and IMAGE_URL.match(value):
        return data_url(png(90, 90))
    return value


def wants_google(body: Any) -> bool:
    """Whether the example's body is about a Google template (by ``vendor`` or its fields' modules)."""
    if not isinstance(body, dict):
        return False
    if "vendor" in body:
        return body["vendor"] == "Google"
    fields = body.get("fields")
    return isinstance(fields, dict) and any(
        isinstance(field, dict) and field.get("fieldType") in GOOGLE_MODULES for field in fields.values()
    )


def people_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """The fields a multiple link's passengers and attendees set on their passes."""
    found: dict[str, Any] = {}
    for journey in [*payload.get("flights", []), *payload.get("events", [])]:
        for person in [*journey.get("passengers", []), *journey.get("attendees", [])]:
            found.update(person.get("fields") or {})
    return found
