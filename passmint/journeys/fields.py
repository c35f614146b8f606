"""A write to a journey's fields: checked, merged over what is stored, default labels filled in, and its
Apple semantic tags completed and checked. Bad input names every offending field and writes nothing."""

from __future__ import annotations

from typing import Any

from passmint.apple.errors import Problem
from passmint.apple.semantics import normal_time, problems
from passmint.journeys.errors import InvalidJourney
from passmint.journeys.kinds import Kind
from passmint.journeys.schemas import FieldsBody


def written(
    kind: Kind,
    stored: dict[str, Any],
    stored_semantics: dict[str, Any],
    body: FieldsBody | None,
    *,
    creating: bool,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields and semantic tags to store after this write (a partial one unless ``creating``)."""
    sent = dict(body.__pydantic_extra__ or {}) if body is not None else {}
    found: list[Problem] = []
    fields = {name: dict(field) for name, field in stored.items()}
    now_written: dict[str, Any] = {}
    field_tags: dict[str, Any] = {}
    for name, field in sent.items():
        entry = {**fields.get(name, {})}
        if field.label is not None:
            entry["label"] = field.label
        if field.value is not None:
            value, problem = _value(kind, name, field.value)
            if problem:
                found.append({"field": f"fields.{name}.value", "message": problem})
            entry["value"] = value
        entry.setdefault("value", "")
        field_tags.update(field.semantics or {})
        fields[name] = now_written[name] = entry
    if creating:
        found += [
            {"field": f"fields.{name}", "message": "is required"}
            for name in kind.required
            if name not in fields
        ]
        for name in kind.always:
            fields.setdefault(name, {"value": ""})
    for name, entry in fields.items():
        if not entry.get("label") and name in kind.labels:
            entry["label"] = kind.labels[name]
    explicit = {**field_tags, **((body.semantics or {}) if body is not None else {})}
    semantics = kind.semantics(now_written, explicit or None, stored_semantics)
    found += problems(semantics, "fields.semantics")
    if found:
        raise InvalidJourney(
            f"The {kind.name} is not valid: " + "; ".join(f"{p['field']} {p['message']}" for p in found),
            details=found,
        )
    return fields, semantics


def _value(kind: Kind, name: str, value: str | int | float) -> tuple[Any, str | None]:
    if name in kind.times:
        normal = normal_time(value)
        if normal is None:
            return value, "must be an ISO 8601 date and time (2025-03-19T20:30:00, offset optional)"
        return normal, None
    if name in kind.choices and value not in kind.choices[name]:
        return value, "must be one of " + ", ".join(sorted(kind.choices[name]))
    return value if isinstance(value, str) else str(value), None
