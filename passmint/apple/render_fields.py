"""Rules of the Apple template renderer: pass styles, header names, and the checks and rendering of fields."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Mapping
from datetime import datetime

from passmint.apple.errors import Problem
from passmint.apple.render_values import (
    BARCODE_FORMATS,
    ENUMS,
    apple_colour,
    apple_enum,
    as_bool,
    as_number,
    barcode_key,
    given,
    is_empty,
    is_url,
    mapping,
    parse_when,
    pick,
    text,
    w3c,
)
from passmint.kit.spellings import barcode_type

# fmt: off
STYLES = {
    "coupon": "coupon", "eventTicket": "eventTicket", "boardingPass": "boardingPass", "generic": "generic",
    "memberCard": "storeCard", "loyalty": "storeCard", "giftCard": "storeCard",
}
# Airship field types → Apple field groups, in the order Apple lists them.
FIELD_GROUPS = {
    "header": "headerFields", "primary": "primaryFields", "secondary": "secondaryFields",
    "auxiliary": "auxiliaryFields", "back": "backFields",
}
FORMAT_TYPES = {"string": "String", "number": "Number", "url": "URL", "date": "Date"}
COLOR_HEADERS = {
    "background_color": "backgroundColor", "foreground_color": "foregroundColor", "logo_color": "labelColor",
}
IMAGE_HEADERS = {
    "icon_image": "icon", "logo_image": "logo", "strip_image": "strip", "thumbnail_image": "thumbnail",
    "background_image": "background", "footer_image": "footer",
}
ALT_TEXT_HEADERS = ("barcodeAltText", "barcode_alt_text")
OTHER_HEADERS = (
    "logo_text", "suppress_strip_shine", "barcode_type", "barcode_value", "barcode_label", "barcode_encoding",
    "sharingStatus", "expirationDate", "relevantDate", "transitType",
)
KNOWN_HEADERS = frozenset((*COLOR_HEADERS, *IMAGE_HEADERS, *ALT_TEXT_HEADERS, *OTHER_HEADERS))
SHARING_STATUSES = ("multipleHolders", "oneUserAllDevices", "oneUserOneDevice")
# fmt: on
NOTIFICATION_KEY = "notification"
MESSAGES = {
    "project_type": "'{value}' is not a project type; use one of " + ", ".join(STYLES),
    "barcode_unrenderable": "is '{value}'{source}; Apple Wallet renders only pdf417, qr, aztec and code128",
    "barcode_unknown": "'{value}'{source} is not a barcode type; use pdf417, qr, aztec or code128",
    "colour": "must be a colour written rgb(r,g,b) with components 0-255, or #rrggbb",
    "boolean": "must be true or false",
    "sharing": "must be one of " + ", ".join(SHARING_STATUSES),
    "enum": "'{value}' is not one of {names}",
    "date": "must be an ISO 8601 date or date and time, e.g. 2025-06-01T19:30:00+02:00",
    "expiration_label": "must be 'valid' or 'voided'",
    "encoding": "'{value}' is not a character encoding; use iso-8859-1 or utf-8",
    "number": "must be a number or a numeric string such as 12.5 (this field's formatType is Number)",
    "url": "must be an http(s), mailto: or tel: URL (this field's formatType is URL)",
    "scalar": "must be a string or a number",
    "change_message": "must contain %@, where Wallet puts the new value",
    "currency": "must be an ISO 4217 currency code, e.g. EUR",
    "row": "must be 0 or 1",
    "group": (
        "'{value}' is not an Apple field group; use header, primary, secondary, auxiliary or back "
        "(colours, images and barcodes are headers)"
    ),
    "format_type": "'{value}' is not one of String, Number, URL, Date",
    "unknown_field": "the template has no field '{name}'",
    "unknown_header": "the template has no header '{name}', and Apple passes have none of that name",
    "override": "must be an object with value, and optionally label and changeMessage",
    "label": "must be a string",
    "required": "is required: the template gives no value, so the pass must",
}
_CURRENCY = re.compile(r"[A-Za-z]{3}")


def problem(field: str, kind: str, messages: Mapping[str, str] = MESSAGES, **values: object) -> Problem:
    return Problem(field=field, message=messages[kind].format(**values))


def barcode_problem(value: str, source: str = "") -> str | None:
    if barcode_key(value) in BARCODE_FORMATS:
        return None
    kind = "barcode_unrenderable" if barcode_type(value) is not None else "barcode_unknown"
    return MESSAGES[kind].format(value=value, source=source)


def header_problems(name: str, header: Mapping[str, object], path: str) -> list[Problem]:
    """Problems with a header's value that would keep it out of pass.json."""
    value = header.get("value")
    label = text(header.get("label"))
    if name == "expirationDate" and label is not None and label.lower() not in ("valid", "voided"):
        return [problem(f"{path}.label", "expiration_label")]
    if is_empty(value):
        return []
    message: str | None = None
    if name in COLOR_HEADERS and apple_colour(value) is None:
        message = MESSAGES["colour"]
    elif name == "suppress_strip_shine" and as_bool(value) is None:
        message = MESSAGES["boolean"]
    elif name == "barcode_type":
        message = barcode_problem(str(value))
    elif name == "sharingStatus" and value not in SHARING_STATUSES:
        message = MESSAGES["sharing"]
    elif name == "transitType":
        message = enum_problem(value, "transitType")
    elif name in ("expirationDate", "relevantDate") and parse_when(value) is None:
        message = MESSAGES["date"]
    elif name == "barcode_encoding":
        message = _encoding_problem(str(value))
    return [] if message is None else [Problem(field=path, message=message)]


def enum_problem(value: object, kind: str) -> str | None:
    if apple_enum(value, kind) is not None:
        return None
    prefix, names = ENUMS[kind]
    return MESSAGES["enum"].format(value=value, names=", ".join(prefix + name for name in names))


def _encoding_problem(value: str) -> str | None:
    try:
        codecs.lookup(value)
    except LookupError:
        return MESSAGES["encoding"].format(value=value)
    return None


def field_problems(name: str, spec: Mapping[str, object]) -> list[Problem]:
    """Problems with a template field's group and presentation (its value's type is checked per pass)."""
    path = f"fields.{name}"
    problems: list[Problem] = []
    if str(spec.get("fieldType", "")).lower() not in FIELD_GROUPS:
        problems.append(problem(f"{path}.fieldType", "group", value=spec.get("fieldType")))
    kind = spec.get("formatType")
    if not is_empty(kind) and str(kind).lower() not in FORMAT_TYPES:
        problems.append(problem(f"{path}.formatType", "format_type", value=kind))
    for key in ("textAlignment", "dateStyle", "timeStyle", "numberStyle"):
        value = spec.get(key)
        if not is_empty(value) and (message := enum_problem(value, key)) is not None:
            problems.append(Problem(field=f"{path}.{key}", message=message))
    currency = spec.get("currencyCode")
    if not is_empty(currency) and not (isinstance(currency, str) and _CURRENCY.fullmatch(currency.strip())):
        problems.append(problem(f"{path}.currencyCode", "currency"))
    row = spec.get("row")
    if row is not None and (isinstance(row, bool) or row not in (0, 1)):
        problems.append(problem(f"{path}.row", "row"))
    return problems + change_message_problems(spec.get("changeMessage"), f"{path}.changeMessage")


def change_message_problems(value: object, path: str) -> list[Problem]:
    if is_empty(value) or (isinstance(value, str) and "%@" in value):
        return []
    return [problem(path, "change_message")]


def value_problem(spec: Mapping[str, object], value: object) -> str | None:
    """Whether a pass's value fits its field's formatType (a template's own default is never refused).

    A field whose template default does not fit its declared formatType is text in practice (the
    reference's own example declares a URL field as Number), so its pass values are not held to it.
    """
    if is_empty(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return MESSAGES["scalar"]
    kind = FORMAT_TYPES.get(str(spec.get("formatType") or "String").lower())
    default = spec.get("value")
    if kind in FORMAT_CHECKS and (is_empty(default) or FORMAT_CHECKS[kind](default)):
        return None if FORMAT_CHECKS[kind](value) else MESSAGES[kind.lower()]
    return None


FORMAT_CHECKS: dict[str, Callable[[object], bool]] = {
    "Number": lambda value: as_number(value) is not None,
    "Date": lambda value: parse_when(value) is not None,
    "URL": is_url,
}


def pass_field_problems(design: Mapping[str, object], values: Mapping[str, object]) -> list[Problem]:
    """Problems with the fields and header names of a pass's values (header values are checked apart)."""
    problems = _name_problems(design, values)
    overrides = mapping(values.get("fields"))
    for name, spec in mapping(design.get("fields")).items():
        problems.extend(_pass_field_problems(name, mapping(spec), overrides.get(name)))
    return problems


def _name_problems(design: Mapping[str, object], values: Mapping[str, object]) -> list[Problem]:
    """Names in the pass's values that neither the template nor Apple's pass headers know."""
    fields = mapping(design.get("fields"))
    headers = set(mapping(design.get("headers"))) | KNOWN_HEADERS
    problems: list[Problem] = []
    for name, override in mapping(values.get("fields")).items():
        if name not in fields and name not in headers:
            problems.append(problem(f"fields.{name}", "unknown_field", name=name))
        elif name not in fields:
            problems.extend(_override_problems(override, f"fields.{name}"))
    for name, override in mapping(values.get("headers")).items():
        if name in headers:
            problems.extend(_override_problems(override, f"headers.{name}"))
        else:
            problems.append(problem(f"headers.{name}", "unknown_header", name=name))
    return problems


def _override_problems(override: object, path: str) -> list[Problem]:
    if not isinstance(override, Mapping):
        return [problem(path, "override")]
    if override.get("label") is not None and not isinstance(override.get("label"), str):
        return [problem(f"{path}.label", "label")]
    return []


def _pass_field_problems(name: str, spec: Mapping[str, object], override: object) -> list[Problem]:
    path = f"fields.{name}"
    problems = [] if override is None else _override_problems(override, path)
    override = mapping(override)
    if (message := value_problem(spec, override.get("value"))) is not None:
        problems.append(Problem(field=f"{path}.value", message=message))
    if spec.get("required") is True and is_empty(pick("value", override, spec)):
        problems.append(problem(f"{path}.value", "required"))
    return problems + change_message_problems(override.get("changeMessage"), f"{path}.changeMessage")


def render_groups(
    fields: Mapping[str, object], overrides: Mapping[str, object]
) -> tuple[dict[str, object], list[Problem]]:
    """Apple's field groups (headerFields ... backFields) from the template's fields and the pass's values."""
    groups: dict[str, list[dict[str, object]]] = {}
    problems: list[Problem] = []
    for name, spec in sorted(((name, mapping(spec)) for name, spec in fields.items()), key=_order_key):
        group = FIELD_GROUPS.get(str(spec.get("fieldType", "")).lower())
        if group is None:
            problems.append(problem(f"fields.{name}.fieldType", "group", value=spec.get("fieldType")))
        elif (content := render_field(name, spec, mapping(overrides.get(name)), group)) is not None:
            groups.setdefault(group, []).append(content)
    return {group: groups[group] for group in FIELD_GROUPS.values() if group in groups}, problems


def with_notification(groups: dict[str, object], notification: object) -> dict[str, object]:
    """``groups`` with the pass's notification (``{"label"?, "value"}``, set by notify) as the first back
    field: its ``changeMessage`` ``%@`` makes Wallet show a new message on the lock screen. Its key is
    ``notification``, or ``notification-1``... when a template field has that key."""
    notice = mapping(notification)
    value = given(notice.get("value"))
    if value is None:
        return groups
    taken = {item.get("key") for group in groups.values() if isinstance(group, list) for item in group}
    key, number = NOTIFICATION_KEY, 0
    while key in taken:
        number += 1
        key = f"{NOTIFICATION_KEY}-{number}"
    field: dict[str, object] = {"key": key}
    if label := given(notice.get("label")):
        field["label"] = label
    field.update(value=value, changeMessage="%@")
    back = groups.get("backFields")
    return {**groups, "backFields": [field, *(back if isinstance(back, list) else [])]}


def _order_key(item: tuple[str, Mapping[str, object]]) -> tuple[bool, float, str]:
    """By ``order``, fields without one last, then by name."""
    order = item[1].get("order")
    if isinstance(order, bool) or not isinstance(order, int | float):
        return (True, 0.0, item[0])
    return (False, float(order), item[0])


def render_field(
    name: str, spec: Mapping[str, object], override: Mapping[str, object], group: str
) -> dict[str, object] | None:
    """One Apple field, or None when hideEmpty leaves it out."""
    value = pick("value", override, spec)
    if is_empty(value):
        if spec.get("hideEmpty") is True:
            return None
        value = ""
    content: dict[str, object] = {"key": name}
    if label := given(pick("label", override, spec)):
        content["label"] = label
    content.update(_formatted(spec, value))
    if change_message := given(pick("changeMessage", override, spec)):
        content["changeMessage"] = change_message
    if not is_empty(alignment := pick("textAlignment", override, spec)):
        content["textAlignment"] = apple_enum(alignment, "textAlignment") or alignment
    if group == "auxiliaryFields" and spec.get("row") is not None:
        content["row"] = spec["row"]
    if isinstance(semantics := pick("semantics", override, spec), Mapping):
        content["semantics"] = dict(semantics)
    return content


def _formatted(spec: Mapping[str, object], value: object) -> dict[str, object]:
    """The value and its formatting keys by formatType; a value that does not fit is written as text."""
    kind = FORMAT_TYPES.get(str(spec.get("formatType") or "String").lower())
    if kind == "Number" and (number := as_number(value)) is not None:
        out: dict[str, object] = {"value": number}
        if not is_empty(style := spec.get("numberStyle")):
            out["numberStyle"] = apple_enum(style, "numberStyle") or style
        if currency := text(spec.get("currencyCode")):
            out["currencyCode"] = currency.upper()
        return out
    if kind == "Date" and (parsed := parse_when(value)) is not None:
        return _date_keys(spec, *parsed)
    if isinstance(value, str):
        return {"value": value}
    number = as_number(value)
    return {"value": str(value if number is None else number)}


def _date_keys(spec: Mapping[str, object], moment: datetime, has_time: bool) -> dict[str, object]:
    """dateStyle defaults to medium; a date without a time shows no time and the same day everywhere."""
    out: dict[str, object] = {
        "value": w3c(moment),
        "dateStyle": apple_enum(spec.get("dateStyle"), "dateStyle") or "PKDateStyleMedium",
        "timeStyle": apple_enum(spec.get("timeStyle"), "timeStyle")
        or ("PKDateStyleShort" if has_time else "PKDateStyleNone"),
    }
    ignores = spec.get("ignoresTimeZone")
    if isinstance(ignores, bool) or not has_time:
        out["ignoresTimeZone"] = ignores if isinstance(ignores, bool) else True
    return out
