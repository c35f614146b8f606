"""Google's published schema of Wallet classes and objects, as a JSON Schema, from the walletobjects
discovery document that google-api-python-client bundles.

Discovery schemas become JSON Schema 2020-12: ``$ref`` → ``#/$defs/X``; int64 → a string of digits;
no properties beyond the schema's own (``kind`` allowed); ``required`` = the properties whose
description starts "Required.". Enums are checked with Discovery's own values (Google also accepts
its lower-camel aliases, which passmint never sends).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import googleapiclient
from jsonschema import Draft202012Validator

DISCOVERY = Path(googleapiclient.__file__).parent / "discovery_cache/documents/walletobjects.v1.json"


@functools.cache
def discovery() -> dict[str, Any]:
    return json.loads(DISCOVERY.read_text())  # type: ignore[no-any-return]


def _convert(node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return {"$ref": f"#/$defs/{node['$ref']}"}
    kind = node.get("type")
    out: dict[str, Any] = {}
    if kind == "string" and node.get("format") in ("int64", "uint64"):
        return {"type": "string", "pattern": r"^-?\d+$"}
    if kind == "integer":
        out["type"] = "integer"
    elif kind == "number":
        out["type"] = "number"
    elif kind == "boolean":
        out["type"] = "boolean"
    elif kind == "string":
        out["type"] = "string"
        if "enum" in node:
            out["enum"] = node["enum"]
    elif kind == "array":
        out = {"type": "array", "items": _convert(node.get("items", {}))}
    elif kind == "object" or "properties" in node:
        out = _object(node)
    return out


def _object(node: dict[str, Any]) -> dict[str, Any]:
    properties = node.get("properties", {})
    if not properties and "additionalProperties" in node:
        return {"type": "object", "additionalProperties": _convert(node["additionalProperties"])}
    out: dict[str, Any] = {
        "type": "object",
        "properties": {name: _convert(spec) for name, spec in properties.items()},
        "additionalProperties": False,
    }
    out["properties"].setdefault("kind", {"type": "string"})
    required = [
        name for name, spec in properties.items() if spec.get("description", "").startswith("Required.")
    ]
    if required:
        out["required"] = required
    return out


@functools.cache
def _validator(name: str) -> Draft202012Validator:
    schemas = discovery()["schemas"]
    defs = {key: _convert(spec) for key, spec in schemas.items()}
    return Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": defs})


def schema_name(resource: str) -> str:
    """``loyaltyClass`` → ``LoyaltyClass`` (the discovery document's schema name)."""
    return resource[0].upper() + resource[1:]


def problems(resource: str, body: dict[str, Any]) -> list[str]:
    """What Google's schema of ``resource`` (``loyaltyObject``...) finds wrong in ``body``."""
    errors = _validator(schema_name(resource)).iter_errors(body)
    return sorted(f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors)


def check(resource: str, body: dict[str, Any]) -> None:
    """Fail (AssertionError) unless Google's schema of ``resource`` accepts ``body``."""
    found = problems(resource, body)
    assert not found, f"{resource} rejected by Google's schema: {found}"
