"""Value conversions of the Apple template renderer: text, numbers, dates, colours and Apple's constants."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from types import MappingProxyType
from typing import get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from passmint.apple.passrules import BarcodeFormat, TransitType, colour_parts
from passmint.kit.spellings import barcode_type

_STYLES = ("None", "Short", "Medium", "Long", "Full")
_TRANSIT_NAMES = tuple(name.removeprefix("PKTransitType") for name in get_args(TransitType))
ENUMS = {
    "textAlignment": ("PKTextAlignment", ("Left", "Center", "Right", "Natural")),
    "dateStyle": ("PKDateStyle", _STYLES),
    "timeStyle": ("PKDateStyle", _STYLES),
    "numberStyle": ("PKNumberStyle", ("Decimal", "Percent", "Scientific", "SpellOut")),
    "transitType": ("PKTransitType", _TRANSIT_NAMES),
}
BARCODE_FORMATS = {name.removeprefix("PKBarcodeFormat").lower(): name for name in get_args(BarcodeFormat)}
"""Apple's barcode constants (``passrules``) by the canonical type (``kit.spellings``) each renders."""
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_WHEN = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_MAX_EXACT_FLOAT = 2**53
_EMPTY: Mapping[str, object] = MappingProxyType({})


def mapping(value: object) -> Mapping[str, object]:
    """The value if it is a JSON object, else an empty one (absent parts of a stored document)."""
    return value if isinstance(value, Mapping) else _EMPTY


def text(value: object) -> str | None:
    """A non-blank string, stripped; None for anything else (absent, null, blank)."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def given(value: object) -> str | None:
    """A non-blank string, unchanged; None for anything else."""
    return value if isinstance(value, str) and value.strip() else None


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def pick(key: str, override: Mapping[str, object], base: Mapping[str, object]) -> object:
    """The pass's value for ``key`` when it gives one (not null), else the template's."""
    value = override.get(key)
    return base.get(key) if value is None else value


def apple_enum(value: object, kind: str) -> str | None:
    """Apple's constant from Apple's spelling, Airship's or the bare word: all of PKTextAlignmentRight,
    textAlignmentRight and right give PKTextAlignmentRight. None if it is none of the constants."""
    if not isinstance(value, str):
        return None
    prefix, names = ENUMS[kind]
    word = value.strip().lower()
    for head in (prefix.lower(), prefix[2:].lower()):
        word = word.removeprefix(head)
    return next((prefix + name for name in names if word == name.lower()), None)


_ASCII_SPACE = " \t\n\r\f\v"


def as_number(value: object) -> int | float | None:
    """A JSON number from a number or a numeric string (an int when integral); None if not numeric."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        word = value.strip(_ASCII_SPACE)  # as float() does: str.strip() would also take control characters
        if _INTEGER.fullmatch(word):
            return int(word)
        value = float(word) if _NUMBER.fullmatch(word) else None
    if not isinstance(value, float) or not math.isfinite(value):
        return None
    return int(value) if value.is_integer() and abs(value) < _MAX_EXACT_FLOAT else value


def parse_when(value: object) -> tuple[datetime, bool] | None:
    """An aware datetime and whether it has a time, from ISO 8601 text; None if it is not one.

    Lenient where the reference's examples are (``2024-08-20T9:41-08:00``); no offset is read as UTC.
    """
    match = _WHEN.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        zone = UTC if offset in (None, "Z", "z") else _offset(offset)
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None
    return moment.replace(tzinfo=zone), hour is not None


def _offset(offset: str) -> timezone:
    digits = offset[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    return timezone(-delta if offset[0] == "-" else delta)


def parse_day(value: object) -> date | None:
    """The date that ISO 8601 text starts with (its first ten characters); None if it is not one."""
    try:
        return date.fromisoformat(value.strip()[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def parse_zone(value: object) -> ZoneInfo | None:
    """The IANA time zone of that name, such as Europe/Paris; None if there is none."""
    try:
        return ZoneInfo(value.strip()) if isinstance(value, str) else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def w3c(moment: datetime) -> str:
    """ISO 8601 with seconds and offset, as Apple wants dates: 2025-06-01T19:30:00+02:00 (Z for UTC)."""
    written = moment.isoformat(timespec="seconds")
    return written[:-6] + "Z" if written.endswith("+00:00") else written


def is_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value.strip())
    if parts.scheme.lower() in ("http", "https"):
        return bool(parts.hostname)
    return parts.scheme.lower() in ("mailto", "tel") and bool(parts.path)


def apple_colour(value: object) -> str | None:
    """rgb(r,g,b) from rgb(r, g, b), #rrggbb or #rgb; None if it is not a colour (or a component is
    above 255)."""
    parts = colour_parts(value)
    return None if parts is None or max(parts) > 255 else "rgb({},{},{})".format(*parts)


def as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(value.strip().lower()) if isinstance(value, str) else None


def barcode_format(value: object) -> str | None:
    """Apple's constant for a barcode type in any of its spellings; None if Apple cannot render it."""
    canonical = barcode_type(value)
    return None if canonical is None else BARCODE_FORMATS.get(canonical)


def barcode_key(value: str) -> str:
    """pdf417, PDF_417 and PKBarcodeFormatPDF417 all read as 'pdf417' (``kit.spellings``' canonical
    type); a value that is no barcode type is returned as it is."""
    return barcode_type(value) or value
