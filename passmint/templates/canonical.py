"""Turn a template body into the canonical stored design, listing every problem with its field path."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from passmint.designs import (
    GOOGLE_MODULE_OPTIONS,
    MODULE_SPELLINGS,
    HeaderValue,
    Vendor,
    canonical_header,
    header_field_type,
    header_problem,
)
from passmint.wallets import format_of

Problem = dict[str, str]


def problem(field: str, message: str) -> Problem:
    return {"field": field, "location": "body", "message": message}


def canonical_headers(
    vendor: Vendor, headers: dict[str, HeaderValue]
) -> tuple[dict[str, Any], list[Problem]]:
    """Headers with their ``fieldType`` filled in; unknown names and bad values are problems."""
    known = format_of(vendor).headers
    result: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, header in headers.items():
        if name not in known:
            problems.append(problem(f"headers.{name}", f"{vendor.value} templates have no header '{name}'"))
            continue
        message = header_problem(name, header)
        if message is not None:
            problems.append(problem(f"headers.{name}.value", message))
        wired = canonical_header(name, header.wire())
        result[name] = {**wired, "fieldType": header.field_type or header_field_type(name)}
    return result, problems


def canonical_fields(
    vendor: Vendor, fields: dict[str, Any], modules: dict[str, dict[str, Any]] | None = None
) -> tuple[dict[str, Any], dict[str, Any], list[Problem]]:
    """Fields keyed by name (each carrying its ``fieldType``), Google module options, and problems.

    Google v1 bodies put fields inside modules; they are flattened here with the module as fieldType.
    """
    wallet = format_of(vendor)
    result: dict[str, Any] = {}
    options: dict[str, Any] = {}
    problems: list[Problem] = []
    entries: list[tuple[str, str, Any, str | None]] = [
        (f"fields.{name}", name, raw, None) for name, raw in fields.items()
    ]
    for module_name, module in (modules or {}).items():
        module_type = str(MODULE_SPELLINGS.get(module_name, module_name))
        for name, raw in module.items():
            if name in GOOGLE_MODULE_OPTIONS:
                options.setdefault(module_type, {})[name] = raw
            else:
                entries.append((f"{module_name}.{name}", name, raw, module_type))
    for path, name, raw, module_key in entries:
        checked, errors = _validate(wallet.field_model, raw, path)
        problems += errors
        if checked is None:
            continue
        if name in result:
            problems.append(problem(path, f"a field named '{name}' is given twice"))
        field = checked.wire()  # type: ignore[attr-defined]
        if module_key is not None:
            field["fieldType"] = module_key
        found_problems = wallet.field_problems(path, field)
        problems += [problem(found["field"], found["message"]) for found in found_problems]
        result[name] = field
    return result, options, problems


def _validate(model: type[BaseModel], raw: Any, path: str) -> tuple[BaseModel | None, list[Problem]]:
    try:
        return model.model_validate(raw), []
    except ValidationError as error:
        return None, [problem(".".join([path, *map(str, d["loc"])]), d["msg"]) for d in error.errors()]
