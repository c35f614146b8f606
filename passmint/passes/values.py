"""A pass's own values: built from a create body, merged with an update, checked against the template."""

from __future__ import annotations

from typing import Any

from passmint.apple.render import check_values
from passmint.models import Project, Template
from passmint.passes.errors import PassInvalid
from passmint.passes.schemas import PassBody, PassValue
from passmint.templates.designs import IMAGE_HEADERS, Vendor

MERGED_KEYS = ("value", "label", "changeMessage", "semantics")


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
        "headers": {name: _wire(value) for name, value in body.headers.items()},
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


def check(template: Template, project: Project, values: dict[str, Any]) -> None:
    """Raise ``PassInvalid`` naming every field whose value the template cannot take."""
    if template.vendor != Vendor.APPLE.value:
        return
    problems = check_values(template.design, _without_images(values), project_settings=project.settings)
    if problems:
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        details = [{"field": p["field"], "location": "body", "message": p["message"]} for p in problems]
        raise PassInvalid(f"The pass is not valid. {summary}", details=details)


def _without_images(values: dict[str, Any]) -> dict[str, Any]:
    trimmed = dict(values)
    for group in ("headers", "fields"):
        trimmed[group] = {k: v for k, v in values.get(group, {}).items() if k not in IMAGE_HEADERS}
    return trimmed


def _wire(value: PassValue) -> dict[str, Any]:
    return value.model_dump(
        by_alias=True, exclude_unset=True, include={"value", "label", "change_message", "semantics"}
    )


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
