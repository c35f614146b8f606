"""Render an Airship-style Apple template and a pass's values into Apple's pass.json and image files.

Pure (no database, no network). ``check_design`` runs when a template is stored, ``check_values`` when a
pass's values are, ``render_pass`` on every download: it refuses only what it cannot map, and
``build_pkpass`` checks the result against Apple's format.

Mapping
-------
- Style: coupon, eventTicket, boardingPass, generic keep their names; memberCard, loyalty and giftCard are
  storeCard. Boarding passes take ``headers.transitType``, else PKTransitTypeAir.
- A pass overrides a field's or header's value, label and changeMessage only (``null`` = not given); its
  beacons, locations, nfc and semantics replace the template's. A name under the pass's ``fields`` that is
  a header rather than a template field (``barcode_value``, ``thumbnail_image``, as in the reference's
  examples) is read as that header.
- Fields go to headerFields...backFields by fieldType, sorted by order (none: last), then name; key = the
  field name; empty labels and change messages are left out; hideEmpty drops a field whose final value
  is empty, other empty fields are written as ""; row only on auxiliary fields (Apple has no other).
- textAlignment, dateStyle, timeStyle, numberStyle, transitType: Apple's constant, Airship's spelling
  (textAlignmentRight) or the bare word (right) all give Apple's constant.
- String: text (numbers as their text, so IDs keep their digits). Number: a JSON number (int when
  integral) with numberStyle and currencyCode. Date: ISO 8601 with its offset (none = UTC), dateStyle
  medium and timeStyle short by default; a date alone gets timeStyle none and ignoresTimeZone, so it is the
  same day everywhere. URL: text. A template default that does not fit its formatType is written as text
  (the reference's own example puts a URL in a Number field); such a pass value is refused.
- Barcode: type from the header, else the project's barcode_type, else pdf417; message from barcode_value
  (pass, then template), else the project's barcode_default_value, and no message means no barcode; alt
  text from barcodeAltText or barcode_alt_text, else the project's; encoding likewise, else iso-8859-1.
  Written as ``barcodes`` and the legacy ``barcode``. upc-a, ean-13, code-39 are refused (Wallet cannot
  draw them). barcode_label is not written: Apple's barcode has no title.
- background_color, foreground_color, logo_color (as labelColor): rgb(r,g,b) or #rrggbb, written
  rgb(r,g,b). logo_text: logoText. suppress_strip_shine "true"/"false": a boolean. Header change
  messages are not written (Apple has them on fields only).
- sharingStatus oneUserOneDevice: sharingProhibited, as the reference says iOS reads it ("all other values
  allow sharing").
- Expiry: expiryDate (its date part) at 00:00 in expiryTimeZone (default UTC); else expiryDuration days
  after creation; expireNever/expiryNever count only alone (v2 documents print ``expiryNever: null``
  beside a duration). The pass's expirationDate header overrides the value; its label ``voided`` writes
  ``voided: true``. A relevantDate header writes relevantDate.
- Beacons: uuid becomes proximityUUID. Locations keep latitude, longitude, altitude, relevantText; the
  postal address keys and echoed ids stay in the stored pass (Apple has no place for them). At most 10
  of each. nfc as given, its message cut to 64 bytes (the reference: "longer is truncated").
- Images come by header name (icon_image, icon_image@2x...) and become icon.png, icon@2x.png...; without
  an icon, DEFAULT_ICON_FILES. Only Apple's documented field limit is enforced (check_design): 4
  secondary and auxiliary fields together on coupons, store cards and generic passes with a square barcode.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from passmint.apple.errors import PassValidationError, Problem
from passmint.apple.render_fields import (
    ALT_TEXT_HEADERS,
    BARCODE_FORMATS,
    COLOR_HEADERS,
    IMAGE_HEADERS,
    KNOWN_HEADERS,
    apple_colour,
    apple_enum,
    as_bool,
    as_number,
    barcode_key,
    barcode_problem,
    field_problems,
    given,
    header_problems,
    is_empty,
    mapping,
    parse_when,
    pass_field_problems,
    place_problems,
    problem,
    render_groups,
    text,
    w3c,
)

# fmt: off
STYLES = {
    "coupon": "coupon", "eventTicket": "eventTicket", "boardingPass": "boardingPass", "generic": "generic",
    "memberCard": "storeCard", "loyalty": "storeCard", "giftCard": "storeCard",
}
# fmt: on
DEFAULT_BARCODE_TYPE = "pdf417"
DEFAULT_ENCODING = "iso-8859-1"
DEFAULT_TRANSIT_TYPE = "PKTransitTypeAir"
NFC_MESSAGE_BYTES = 64
MAX_EXPIRY_DAYS = 36500
SQUARE_BARCODES = frozenset({"qr", "qrcode", "aztec"})
SQUARE_LIMIT_STYLES = ("coupon", "storeCard", "generic")
MAX_SQUARE_FRONT_FIELDS = 4  # secondary + auxiliary together: Apple's PassFields.SecondaryFields page
MESSAGES = {
    "project_type": "'{value}' is not a project type; use one of " + ", ".join(STYLES),
    "design_header": "'{name}' is not a header of Apple templates",
    "transit_outside": "only boarding passes have a transit type",
    "too_many_front": (
        "Apple Wallet shows at most 4 secondary and auxiliary fields together on a {style} with a square "
        "(qr or aztec) barcode; this is field {count}"
    ),
    "barcode_encoding": "cannot be written in {encoding}, the barcode's encoding",
    "image_name": "is not an image header; use " + ", ".join(IMAGE_HEADERS) + " (optionally with @2x or @3x)",
    "expiry_date": "must be a date such as 2025-12-31",
    "expiry_zone": "'{value}' is not an IANA time zone such as Europe/Paris",
    "expiry_days": f"must be a whole number of days from 0 to {MAX_EXPIRY_DAYS} (expireNever: no expiry)",
}


def _plain_png(size: int, rgb: bytes) -> bytes:
    """A square PNG of one colour, made without an imaging library."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    pixels = zlib.compress((b"\x00" + rgb * size) * size)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


# The icon of passes whose template has none (Apple requires icon.png): plain grey, 29 pt at 1x and 2x.
DEFAULT_ICON_FILES: dict[str, bytes] = {
    "icon.png": _plain_png(29, b"\x8e\x8e\x93"),
    "icon@2x.png": _plain_png(58, b"\x8e\x8e\x93"),
}


@dataclass(frozen=True)
class PassIdentity:
    """What pass.json needs beyond the template and the pass's values."""

    serial_number: str
    authentication_token: str
    web_service_url: str  # e.g. http://127.0.0.1:8000/apple
    pass_type_identifier: str  # from the signing certificate
    team_identifier: str  # from the signing certificate
    organization_name: str  # the project's name
    description: str  # the template's description, else its name
    created_at: datetime  # when the pass was created (aware UTC), for expiryDuration


@dataclass(frozen=True)
class RenderedPass:
    """pass.json and its files, ready for ``build_pkpass``."""

    pass_json: dict[str, object]
    files: dict[str, bytes]


def render_pass(
    *,
    project_type: str,
    project_settings: Mapping[str, str],
    design: Mapping[str, object],
    expiry: Mapping[str, object] | None,
    values: Mapping[str, object],
    identity: PassIdentity,
    images: Mapping[str, bytes],
) -> RenderedPass:
    """pass.json and image files for one pass; PassValidationError lists whatever cannot be mapped."""
    style = STYLES.get(project_type)
    headers, paths = merged_headers(design, values)
    groups, problems = render_groups(mapping(design.get("fields")), mapping(values.get("fields")))
    if style is None:
        problems.append(problem("projectType", "project_type", MESSAGES, value=project_type))
    for name, header in headers.items():
        problems.extend(header_problems(name, header, paths[name]))
    problems.extend(_barcode_problems(headers, project_settings, needs_message=True))
    problems.extend(check_expiry(expiry))
    files = _files(images, problems)
    if problems or style is None:
        raise PassValidationError(problems)
    if style == "boardingPass":
        transit = apple_enum(_value(headers, "transitType"), "transitType")
        groups["transitType"] = transit or DEFAULT_TRANSIT_TYPE
    pass_json = {**_identity_keys(identity), style: groups, **_appearance(headers)}
    pass_json.update(_barcodes(headers, project_settings))
    pass_json.update(_dates(headers, expiry, identity.created_at))
    pass_json.update(_relevance(design, values))
    return RenderedPass(pass_json=pass_json, files=files)


def check_design(
    design: Mapping[str, object], *, project_type: str, project_settings: Mapping[str, str]
) -> list[Problem]:
    """Problems with a template design, when a template is created or replaced."""
    style = STYLES.get(project_type)
    problems: list[Problem] = []
    if style is None:
        problems.append(problem("projectType", "project_type", MESSAGES, value=project_type))
    headers = mapping(design.get("headers"))
    for name, header in headers.items():
        if name in KNOWN_HEADERS:
            problems.extend(header_problems(name, mapping(header), f"headers.{name}"))
        else:
            problems.append(problem(f"headers.{name}", "design_header", MESSAGES, name=name))
    if not is_empty(_value(headers, "transitType")) and style not in (None, "boardingPass"):
        problems.append(problem("headers.transitType", "transit_outside", MESSAGES))
    problems.extend(_barcode_problems(headers, project_settings, needs_message=False))
    fields = mapping(design.get("fields"))
    for name, spec in fields.items():
        problems.extend(field_problems(name, mapping(spec)))
    problems.extend(_front_field_problems(style, fields, _barcode_type(headers, project_settings)[0]))
    return problems + place_problems(design)


def check_values(
    design: Mapping[str, object], values: Mapping[str, object], *, project_settings: Mapping[str, str]
) -> list[Problem]:
    """Problems with a pass's values, before they are stored."""
    problems = pass_field_problems(design, values)
    headers, paths = merged_headers(design, values)
    pass_headers = {name: path for path, name, _ in _header_overrides(design, values)}
    for name, path in pass_headers.items():
        problems.extend(header_problems(name, headers[name], path))
    if "barcode_type" not in pass_headers:
        problems.extend(_barcode_problems(headers, project_settings, needs_message=True))
    problems.extend(_barcode_encoding_problems(headers, paths, project_settings))
    return problems + place_problems(values)


def check_expiry(expiry: Mapping[str, object] | None) -> list[Problem]:
    """Problems with expiryInfo ({expiryDate, expiryTimeZone}, {expiryDuration} or {expireNever})."""
    expiry = mapping(expiry)
    problems: list[Problem] = []
    if not is_empty(day := expiry.get("expiryDate")) and _day(day) is None:
        problems.append(problem("expiryInfo.expiryDate", "expiry_date", MESSAGES))
    if not is_empty(zone := expiry.get("expiryTimeZone")) and _zone(zone) is None:
        problems.append(problem("expiryInfo.expiryTimeZone", "expiry_zone", MESSAGES, value=zone))
    days = expiry.get("expiryDuration")
    number = as_number(days)
    if days is not None and not (isinstance(number, int) and 0 <= number <= MAX_EXPIRY_DAYS):
        problems.append(problem("expiryInfo.expiryDuration", "expiry_days", MESSAGES))
    return problems


def merged_headers(
    design: Mapping[str, object], values: Mapping[str, object]
) -> tuple[dict[str, dict[str, object]], dict[str, str]]:
    """The template's headers with the pass's overrides, and each header's path as the client wrote it."""
    merged = {name: dict(mapping(header)) for name, header in mapping(design.get("headers")).items()}
    paths = {name: f"headers.{name}" for name in merged}
    for path, name, override in _header_overrides(design, values):
        target = merged.setdefault(name, {})
        for key in ("value", "label", "changeMessage"):
            if override.get(key) is not None:
                target[key] = override[key]
        paths[name] = path
    return merged, paths


def _header_overrides(
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


def _value(headers: Mapping[str, object], name: str) -> object:
    return mapping(headers.get(name)).get("value")


def _identity_keys(identity: PassIdentity) -> dict[str, object]:
    return {
        "formatVersion": 1,
        "passTypeIdentifier": identity.pass_type_identifier,
        "teamIdentifier": identity.team_identifier,
        "serialNumber": identity.serial_number,
        "authenticationToken": identity.authentication_token,
        "webServiceURL": identity.web_service_url,
        "organizationName": identity.organization_name,
        "description": identity.description,
    }


def _appearance(headers: Mapping[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, key in COLOR_HEADERS.items():
        if colour := apple_colour(_value(headers, name)):
            out[key] = colour
    if logo_text := given(_value(headers, "logo_text")):
        out["logoText"] = logo_text
    if (shine := as_bool(_value(headers, "suppress_strip_shine"))) is not None:
        out["suppressStripShine"] = shine
    if _value(headers, "sharingStatus") == "oneUserOneDevice":
        out["sharingProhibited"] = True
    return out


def _barcode_message(headers: Mapping[str, object], settings: Mapping[str, str]) -> str | None:
    for value in (_value(headers, "barcode_value"), settings.get("barcode_default_value")):
        number = as_number(value) if isinstance(value, int | float) else None
        if message := given(value) or (None if number is None else str(number)):
            return message
    return None


def _barcode_type(headers: Mapping[str, object], settings: Mapping[str, str]) -> tuple[str, str]:
    """The barcode type, and where it comes from when that is not the template (for messages)."""
    if header := text(_value(headers, "barcode_type")):
        return header, ""
    if setting := text(settings.get("barcode_type")):
        return setting, " (the project's barcode_type)"
    return DEFAULT_BARCODE_TYPE, ""


def _barcode_problems(
    headers: Mapping[str, object], settings: Mapping[str, str], *, needs_message: bool
) -> list[Problem]:
    """The project's barcode type when the template sets none (a template's own is a header problem)."""
    if text(_value(headers, "barcode_type")):
        return []
    if needs_message and _barcode_message(headers, settings) is None:
        return []
    message = barcode_problem(*_barcode_type(headers, settings))
    return [] if message is None else [Problem(field="headers.barcode_type", message=message)]


def _barcode_encoding(headers: Mapping[str, object], settings: Mapping[str, str]) -> str:
    header = text(_value(headers, "barcode_encoding"))
    return header or text(settings.get("barcode_encoding")) or DEFAULT_ENCODING


def _barcode_encoding_problems(
    headers: Mapping[str, object], paths: Mapping[str, str], settings: Mapping[str, str]
) -> list[Problem]:
    message = _barcode_message(headers, settings)
    encoding = _barcode_encoding(headers, settings)
    try:
        if message is not None:
            message.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        path = paths.get("barcode_value", "headers.barcode_value")
        return [problem(path, "barcode_encoding", MESSAGES, encoding=encoding)]
    return []


def _barcodes(headers: Mapping[str, object], settings: Mapping[str, str]) -> dict[str, object]:
    message = _barcode_message(headers, settings)
    if message is None:
        return {}
    barcode: dict[str, object] = {
        "format": BARCODE_FORMATS[barcode_key(_barcode_type(headers, settings)[0])],
        "message": message,
        "messageEncoding": _barcode_encoding(headers, settings),
    }
    alt_texts = [_value(headers, name) for name in ALT_TEXT_HEADERS] + [settings.get("barcode_alt_text")]
    if alt_text := next(filter(None, map(given, alt_texts)), None):
        barcode["altText"] = alt_text
    return {"barcodes": [barcode], "barcode": dict(barcode)}


def _dates(
    headers: Mapping[str, object], expiry: Mapping[str, object] | None, created_at: datetime
) -> dict[str, object]:
    out: dict[str, object] = {}
    header = mapping(headers.get("expirationDate"))
    parsed = parse_when(header.get("value"))
    expiration = w3c(parsed[0]) if parsed else _template_expiry(mapping(expiry), created_at)
    if expiration is not None:
        out["expirationDate"] = expiration
    if (text(header.get("label")) or "").lower() == "voided":
        out["voided"] = True
    if relevant := parse_when(_value(headers, "relevantDate")):
        out["relevantDate"] = w3c(relevant[0])
    return out


def _template_expiry(expiry: Mapping[str, object], created_at: datetime) -> str | None:
    if (day := _day(expiry.get("expiryDate"))) is not None:
        zone = _zone(expiry.get("expiryTimeZone") or "UTC") or UTC
        return w3c(datetime(day.year, day.month, day.day, tzinfo=zone))
    if isinstance(days := as_number(expiry.get("expiryDuration")), int):
        start = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        return w3c((start + timedelta(days=days)).astimezone(UTC))
    return None  # expireNever, or no expiryInfo


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _zone(value: object) -> ZoneInfo | None:
    try:
        return ZoneInfo(value.strip()) if isinstance(value, str) else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _relevance(design: Mapping[str, object], values: Mapping[str, object]) -> dict[str, object]:
    """Beacons, locations, nfc and semantics: the pass's when it has them, else the template's."""
    out: dict[str, object] = {}
    if beacons := [_beacon(mapping(item)) for item in _listed(design, values, "beacons")]:
        out["beacons"] = beacons
    if locations := [_location(mapping(item)) for item in _listed(design, values, "locations")]:
        out["locations"] = locations
    if nfc := dict(mapping(values.get("nfc")) or mapping(design.get("nfc"))):
        if isinstance(message := nfc.get("message"), str):
            nfc["message"] = message.encode("utf-8")[:NFC_MESSAGE_BYTES].decode("utf-8", "ignore")
        out["nfc"] = nfc
    if semantics := mapping(values.get("semantics")) or mapping(design.get("semantics")):
        out["semantics"] = dict(semantics)
    return out


def _listed(design: Mapping[str, object], values: Mapping[str, object], key: str) -> list[object]:
    chosen = design.get(key) if values.get(key) is None else values.get(key)
    return list(chosen) if isinstance(chosen, list) else []


def _beacon(item: Mapping[str, object]) -> dict[str, object]:
    beacon: dict[str, object] = {"proximityUUID": item.get("uuid")}
    beacon.update({key: item[key] for key in ("major", "minor") if item.get(key) is not None})
    if relevant_text := given(item.get("relevantText")):
        beacon["relevantText"] = relevant_text
    return beacon


def _location(item: Mapping[str, object]) -> dict[str, object]:
    location: dict[str, object] = {}
    for key in ("latitude", "longitude", "altitude"):
        number = as_number(item.get(key))
        if number is not None or key != "altitude":
            location[key] = item.get(key) if number is None else float(number)
    if relevant_text := given(item.get("relevantText")):
        location["relevantText"] = relevant_text
    return location


def _files(images: Mapping[str, bytes], problems: list[Problem]) -> dict[str, bytes]:
    """Image files by Apple name; unknown image names are added to ``problems``."""
    files: dict[str, bytes] = {}
    for name, data in images.items():
        header, _, scale = name.partition("@")
        stem = IMAGE_HEADERS.get(header)
        if stem is None or scale not in ("", "2x", "3x"):
            problems.append(problem(f"headers.{name}", "image_name", MESSAGES))
        else:
            files[f"{stem}@{scale}.png" if scale else f"{stem}.png"] = data
    if "icon.png" not in files:
        for name, data in DEFAULT_ICON_FILES.items():
            files.setdefault(name, data)
    return files


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
