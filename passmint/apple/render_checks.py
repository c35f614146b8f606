"""Problems with a template's design, a pass's values and an expiry, found before they are stored."""

from __future__ import annotations

from collections.abc import Mapping

from passmint.apple.errors import Problem
from passmint.apple.render_fields import (
    KNOWN_HEADERS,
    STYLES,
    barcode_problem,
    field_problems,
    header_problems,
    pass_field_problems,
    problem,
)
from passmint.apple.render_headers import (
    barcode_encoding,
    barcode_message,
    barcode_type_and_source,
    header_overrides,
    header_value,
    merged_headers,
)
from passmint.apple.render_relevance import nfc_problems, place_problems
from passmint.apple.render_values import (
    as_number,
    barcode_key,
    is_empty,
    mapping,
    parse_day,
    parse_zone,
    text,
)

MAX_EXPIRY_DAYS = 36500
SQUARE_BARCODES = frozenset({"qr", "aztec"})
SQUARE_LIMIT_STYLES = ("coupon", "storeCard", "generic")
MAX_SQUARE_FRONT_FIELDS = 4  # secondary + auxiliary together: Apple's PassFields.SecondaryFields page
MESSAGES = {
    "design_header": "'{name}' is not a header of Apple templates",
    "transit_outside": "only boarding passes have a transit type",
    "too_many_front": (
        "Apple Wallet shows at most 4 secondary and auxiliary fields together on a {style} with a square "
        "(qr or aztec) barcode; this is field {count}"
    ),
    "barcode_encoding": "cannot be written in {encoding}, the barcode's encoding",
    "expiry_date": "must be a date such as 2025-12-31",
    "expiry_zone": "'{value}' is not an IANA time zone such as Europe/Paris",
    "expiry_days": f"must be a whole number of days from 0 to {MAX_EXPIRY_DAYS} (expireNever: no expiry)",
}


def check_design(
    design: Mapping[str, object], *, project_type: str, project_settings: Mapping[str, str]
) -> list[Problem]:
    """Problems with a template design, when a template is created or replaced."""
    style = STYLES.get(project_type)
    problems: list[Problem] = []
    if style is None:
        problems.append(problem("projectType", "project_type", value=project_type))
    headers = mapping(design.get("headers"))
    for name, header in headers.items():
        if name in KNOWN_HEADERS:
            problems.extend(header_problems(name, mapping(header), f"headers.{name}"))
        else:
            problems.append(problem(f"headers.{name}", "design_header", MESSAGES, name=name))
    if not is_empty(header_value(headers, "transitType")) and style not in (None, "boardingPass"):
        problems.append(problem("headers.transitType", "transit_outside", MESSAGES))
    problems.extend(barcode_problems(headers, project_settings, needs_message=False))
    fields = mapping(design.get("fields"))
    for name, spec in fields.items():
        problems.extend(field_problems(name, mapping(spec)))
    problems.extend(
        _front_field_problems(style, fields, barcode_type_and_source(headers, project_settings)[0])
    )
    return problems + place_problems(design)


def check_values(
    design: Mapping[str, object], values: Mapping[str, object], *, project_settings: Mapping[str, str]
) -> list[Problem]:
    """Problems with a pass's values, before they are stored."""
    problems = pass_field_problems(design, values)
    headers, paths = merged_headers(design, values)
    pass_headers = {name: path for path, name, _ in header_overrides(design, values)}
    for name, path in pass_headers.items():
        problems.extend(header_problems(name, headers[name], path))
    if "barcode_type" not in pass_headers:
        problems.extend(barcode_problems(headers, project_settings, needs_message=True))
    problems.extend(_barcode_encoding_problems(headers, paths, project_settings))
    problems.extend([] if values.get("nfc") is None else nfc_problems(values))
    return problems + place_problems(values)


def check_expiry(expiry: Mapping[str, object] | None) -> list[Problem]:
    """Problems with expiryInfo ({expiryDate, expiryTimeZone}, {expiryDuration} or {expireNever})."""
    expiry = mapping(expiry)
    problems: list[Problem] = []
    if not is_empty(day := expiry.get("expiryDate")) and parse_day(day) is None:
        problems.append(problem("expiryInfo.expiryDate", "expiry_date", MESSAGES))
    if not is_empty(zone := expiry.get("expiryTimeZone")) and parse_zone(zone) is None:
        problems.append(problem("expiryInfo.expiryTimeZone", "expiry_zone", MESSAGES, value=zone))
    days = expiry.get("expiryDuration")
    number = as_number(days)
    if days is not None and not (isinstance(number, int) and 0 <= number <= MAX_EXPIRY_DAYS):
        problems.append(problem("expiryInfo.expiryDuration", "expiry_days", MESSAGES))
    return problems


def barcode_problems(
    headers: Mapping[str, object], settings: Mapping[str, str], *, needs_message: bool
) -> list[Problem]:
    """The project's barcode type when the template sets none (a template's own is a header problem)."""
    if text(header_value(headers, "barcode_type")):
        return []
    if needs_message and barcode_message(headers, settings) is None:
        return []
    message = barcode_problem(*barcode_type_and_source(headers, settings))
    return [] if message is None else [Problem(field="headers.barcode_type", message=message)]


def _barcode_encoding_problems(
    headers: Mapping[str, object], paths: Mapping[str, str], settings: Mapping[str, str]
) -> list[Problem]:
    message = barcode_message(headers, settings)
    encoding = barcode_encoding(headers, settings)
    try:
        if message is not None:
            message.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        path = paths.get("barcode_value", "headers.barcode_value")
        return [problem(path, "barcode_encoding", MESSAGES, encoding=encoding)]
    return []


def _front_field_problems(
    style: str | None, fields: Mapping[str, object], barcode_type: str
) -> list[Problem]:
    """Apple's documented limit: 4 secondary and auxiliary fields together, with a square barcode."""
    if style not in SQUARE_LIMIT_STYLES or barcode_key(barcode_type) not in SQUARE_BARCODES:
        return []
    front = [
        n
        for n, s in fields.items()
        if str(mapping(s).get("fieldType", "")).lower() in ("secondary", "auxiliary")
    ]
    return [
        problem(f"fields.{name}.fieldType", "too_many_front", MESSAGES, style=style, count=count)
        for count, name in enumerate(front, start=1)
        if count > MAX_SQUARE_FRONT_FIELDS
    ]
