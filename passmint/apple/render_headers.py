"""A pass's headers: its template's with the pass's overrides, and the barcode they describe."""

from __future__ import annotations

from collections.abc import Mapping

from passmint.apple.render_fields import ALT_TEXT_HEADERS, KNOWN_HEADERS
from passmint.apple.render_values import BARCODE_FORMATS, as_number, barcode_key, given, mapping, text

DEFAULT_BARCODE_TYPE = "pdf417"
DEFAULT_ENCODING = "iso-8859-1"


def merged_headers(
    design: Mapping[str, object], values: Mapping[str, object]
) -> tuple[dict[str, dict[str, object]], dict[str, str]]:
    """The template's headers with the pass's overrides, and each header's path as the client wrote it."""
    merged = {name: dict(mapping(header)) for name, header in mapping(design.get("headers")).items()}
    paths = {name: f"headers.{name}" for name in merged}
    for path, name, override in header_overrides(design, values):
        target = merged.setdefault(name, {})
        for key in ("value", "label", "changeMessage"):
            if override.get(key) is not None:
                target[key] = override[key]
        paths[name] = path
    return merged, paths


def header_overrides(
    design: Mapping[str, object], values: Mapping[str, object]
) -> list[tuple[str, str, Mapping[str, object]]]:
    """(path, header name, override) for each header the pass sets, under ``headers`` or ``fields``."""
    fields = mapping(design.get("fields"))
    header_names = set(mapping(design.get("headers"))) | KNOWN_HEADERS
    found = [
        (f"fields.{name}", name, mapping(override))
        for name, override in mapping(values.get("fields")).items()
        if name not in fields and name in header_names
    ]
    return found + [(f"headers.{n}", n, mapping(o)) for n, o in mapping(values.get("headers")).items()]


def header_value(headers: Mapping[str, object], name: str) -> object:
    return mapping(headers.get(name)).get("value")


def barcode_message(headers: Mapping[str, object], settings: Mapping[str, str]) -> str | None:
    for value in (header_value(headers, "barcode_value"), settings.get("barcode_default_value")):
        number = as_number(value) if isinstance(value, int | float) else None
        if message := given(value) or (None if number is None else str(number)):
            return message
    return None


def barcode_type_and_source(headers: Mapping[str, object], settings: Mapping[str, str]) -> tuple[str, str]:
    """The barcode type, and where it comes from when that is not the template (for messages)."""
    if header := text(header_value(headers, "barcode_type")):
        return header, ""
    if setting := text(settings.get("barcode_type")):
        return setting, " (the project's barcode_type)"
    return DEFAULT_BARCODE_TYPE, ""


def barcode_encoding(headers: Mapping[str, object], settings: Mapping[str, str]) -> str:
    header = text(header_value(headers, "barcode_encoding"))
    return header or text(settings.get("barcode_encoding")) or DEFAULT_ENCODING


def barcodes(headers: Mapping[str, object], settings: Mapping[str, str]) -> dict[str, object]:
    message = barcode_message(headers, settings)
    if message is None:
        return {}
    barcode: dict[str, object] = {
        "format": BARCODE_FORMATS[barcode_key(barcode_type_and_source(headers, settings)[0])],
        "message": message,
        "messageEncoding": barcode_encoding(headers, settings),
    }
    alt_texts = [header_value(headers, name) for name in ALT_TEXT_HEADERS] + [
        settings.get("barcode_alt_text")
    ]
    if alt_text := next(filter(None, map(given, alt_texts)), None):
        barcode["altText"] = alt_text
    return {"barcodes": [barcode], "barcode": dict(barcode)}
