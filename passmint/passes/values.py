"""A pass's own values: built from a create body, merged with an update, checked against the template."""

from __future__ import annotations

from typing import Any

from passmint.apple.errors import Problem
from passmint.apple.render_values import as_number
from passmint.designs import IMAGE_HEADERS, canonical_header
from passmint.models import Project, Template
from passmint.passes.errors import PassInvalid
from passmint.passes.schemas import PassBody, PassValue
from passmint.wallets import format_of

MERGED_KEYS = ("value", "label", "changeMessage", "semantics", "textAlignment")
KEPT = {"value", "label", "change_message", "semantics", "text_alignment"}


def from_body(body: PassBody) -> dict[str, Any]:
    """The stored values of a new pass."""
    values = changes(body)
    if body.public_url is not None:
        values["publicUrlType"] = body.public_url.type
    return values | _lists(body)


def merged(stored: dict[str, Any], body: PassBody) -> dict[str, Any]:
    """``stored`` with an update applied: each field or header merges key by key, lists replace."""
    return merged_changes(stored, changes(body)) | _lists(body)


def changes(body: PassBody) -> dict[str, Any]:
    """The field and header changes of an update, as stored."""
    return {
        "fields": {name: _wire(value) for name, value in body.fields.items()},
        "headers": {name: canonical_header(name, _wire(value)) for name, value in body.headers.items()},
    }


def merged_changes(stored: dict[str, Any], changed: dict[str, Any]) -> dict[str, Any]:
    """``stored`` with field and header changes merged in, key by key."""
    values = dict(stored)
    for group in ("fields", "headers"):
        current = {name: dict(entry) for name, entry in stored.get(group, {}).items()}
        for name, change in changed.get(group, {}).items():
            current[name] = current.get(name, {}) | change
        values[group] = current
    return values


def apply_change(stored: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """``stored`` with a bulk change applied: ``fields``/``headers`` merge as in ``merged_changes``;
    ``notification`` (the message on the back of the pass) is set by a dict, removed by ``None``,
    and left alone when the key is absent."""
    values = merged_changes(stored, change)
    if "notification" in change:
        if change["notification"] is None:
            values.pop("notification", None)
        else:
            values["notification"] = dict(change["notification"])
    return values


def image_urls(values: dict[str, Any]) -> dict[str, str]:
    """Image headers (or fields named like them, as the reference's examples send) set on the pass."""
    found: dict[str, str] = {}
    for group in ("headers", "fields"):
        for name, entry in values.get(group, {}).items():
            if name in IMAGE_HEADERS and isinstance(entry.get("value"), str) and entry["value"]:
                found[name] = entry["value"]
    return found


def check(
    template: Template, project: Project, values: dict[str, Any], sent: PassBody | None = None
) -> dict[str, Any]:
    """The values in their stored form (a numeric string in a Number field is a number); raises
    ``PassInvalid`` naming every field whose value the template cannot take, or whose ``fieldType``/
    ``formatType`` (in the body ``sent``) is not the template's."""
    problems = [] if sent is None else kind_problems(template, sent)
    problems += format_of(template.vendor).value_problems(template.design, _without_images(values), project)
    if problems:
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        details = [{"field": p["field"], "location": "body", "message": p["message"]} for p in problems]
        raise PassInvalid(f"The pass is not valid. {summary}", details=details)
    return _numbers(template, values)


def _numbers(template: Template, values: dict[str, Any]) -> dict[str, Any]:
    fields = template.design.get("fields", {})
    converted = {}
    for name, entry in values.get("fields", {}).items():
        number = as_number(entry.get("value")) if isinstance(entry.get("value"), str) else None
        is_number = str((fields.get(name) or {}).get("formatType", "")).lower() == "number"
        converted[name] = entry | {"value": number} if is_number and number is not None else entry
    return values | {"fields": converted} if "fields" in values else values


def kind_problems(template: Template, body: PassBody) -> list[Problem]:
    """A field object sent with another ``fieldType`` or ``formatType`` than the template's own."""
    fields = template.design.get("fields", {})
    problems = []
    for name, sent in body.fields.items():
        if name not in fields:
            continue  # a header sent under fields, or an unknown name (refused when checked)
        spec = fields[name]
        for key, given in (("fieldType", sent.field_type), ("formatType", sent.format_type)):
            own = spec.get(key, "String" if key == "formatType" else None)
            if given is not None and own is not None and str(given).lower() != str(own).lower():
                message = f"is '{own}' in the template; a pass cannot change it"
                problems.append(Problem(field=f"fields.{name}.{key}", message=message))
    return problems


def _without_images(values: dict[str, Any]) -> dict[str, Any]:
    trimmed = dict(values)
    for group in ("headers", "fields"):
        trimmed[group] = {k: v for k, v in values.get(group, {}).items() if k not in IMAGE_HEADERS}
    return trimmed


def _wire(value: PassValue) -> dict[str, Any]:
    wired = value.model_dump(by_alias=True, exclude_unset=True, include=KEPT)
    return wired


def _lists(body: PassBody) -> dict[str, Any]:
    sent = body.model_fields_set
    lists: dict[str, Any] = {}
    if "beacons" in sent:
        lists["beacons"] = [
            beacon.model_dump(by_alias=True, exclude_none=True) for beacon in body.beacons or []
        ]
    if "nfc" in sent:
        lists["nfc"] = None if body.nfc is None else body.nfc.model_dump(by_alias=True, exclude_none=True)
    if "semantics" in sent:
        lists["semantics"] = body.semantics
    return lists
