"""Google's walletobjects v1 discovery document (bundled in google-api-python-client) as JSON Schemas.

Each Discovery schema becomes a JSON Schema (2020-12): ``$ref`` to ``#/$defs/X``; 64-bit integers as
strings of digits, as Google's JSON carries them; no property outside the schema but ``kind``; and, for
whole resources, the properties whose description starts "Required." required.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import googleapiclient
from jsonschema import Draft202012Validator

DISCOVERY = Path(googleapiclient.__file__).parent / "discovery_cache/documents/walletobjects.v1.json"


@cache
def discovery() -> dict[str, Any]:
    return json.loads(DISCOVERY.read_text())  # type: ignore[no-any-return]


def schema_name(resource_type: str) -> str:
    """``loyaltyClass`` → ``LoyaltyClass`` (the Discovery schema of a REST collection)."""
    return resource_type[:1].upper() + resource_type[1:]


@cache
def validator(name: str, *, partial: bool = False) -> Draft202012Validator:
    """A validator of Discovery schema ``name``; ``partial`` (a PATCH body) requires nothing."""
    defs = {key: _convert(value, required=not partial) for key, value in discovery()["schemas"].items()}
    return Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": defs})


def problems(name: str, document: Any, *, partial: bool = False) -> list[str]:
    """What is wrong with ``document`` as a ``name``, one line per problem (none when it is valid)."""
    errors = sorted(
        validator(name, partial=partial).iter_errors(document), key=lambda error: list(error.path)
    )
    return [f"{'.'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}" for error in errors]


def _convert(schema: dict[str, Any], *, required: bool) -> dict[str, Any]:
    if "$ref" in schema:
        return {"$ref": f"#/$defs/{schema['$ref']}"}
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        properties = {key: _convert(value, required=required) for key, value in schema["properties"].items()}
        properties.setdefault("kind", {"type": "string"})
        converted: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        needed = [
            key
            for key, value in schema["properties"].items()
            if value.get("description", "").startswith("Required.")
        ]
        if required and needed:
            converted["required"] = needed
        return converted
    if kind == "object":
        extra = schema.get("additionalProperties")
        return {
            "type": "object",
            **({"additionalProperties": _convert(extra, required=required)} if extra else {}),
        }
    if kind == "array":
        return {"type": "array", "items": _convert(schema.get("items", {}), required=required)}
    if kind == "string" and schema.get("format") in {"int64", "uint64"}:
        return {"type": "string", "pattern": r"^-?\d+$"}
    if kind == "string" and "enum" in schema:
        return {"type": "string", "enum": schema["enum"]}
    if kind in {"string", "boolean", "number"}:
        return {"type": kind}
    if kind == "integer":
        return {"type": "integer"}
    return {}
