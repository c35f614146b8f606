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
- A notification (``values["notification"]``, set by notify: optional label, value) is the first back
  field, key ``notification``, with changeMessage ``%@`` so that Wallet alerts when the message changes.
- Images come by header name (icon_image, icon_image@2x...) and become icon.png, icon@2x.png...; without
  an icon, DEFAULT_ICON_FILES. Only Apple's documented field limit is enforced (check_design): 4
  secondary and auxiliary fields together on coupons, store cards and generic passes with a square barcode.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from passmint.apple.errors import PassValidationError, Problem
from passmint.apple.render_checks import barcode_problems, check_design, check_expiry, check_values
from passmint.apple.render_fields import (
    COLOR_HEADERS,
    IMAGE_HEADERS,
    STYLES,
    header_problems,
    problem,
    render_groups,
    with_notification,
)
from passmint.apple.render_headers import barcodes, header_value, merged_headers
from passmint.apple.render_relevance import relevance
from passmint.apple.render_values import (
    apple_colour,
    apple_enum,
    as_bool,
    as_number,
    given,
    mapping,
    parse_day,
    parse_when,
    parse_zone,
    text,
    w3c,
)

__all__ = [
    "DEFAULT_ICON_FILES",
    "DEFAULT_PERSONALIZATION_LOGO",
    "PassIdentity",
    "RenderedPass",
    "check_design",
    "check_expiry",
    "check_values",
    "render_pass",
]

DEFAULT_TRANSIT_TYPE = "PKTransitTypeAir"
MESSAGES = {
    "image_name": "is not an image header; use " + ", ".join(IMAGE_HEADERS) + " (optionally with @2x or @3x)",
}


def _plain_png(size: int, rgb: bytes, height: int | None = None) -> bytes:
    """A PNG of one colour (square unless ``height`` is given), made without an imaging library."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = height or size
    header = struct.pack(">IIBBBBB", size, rows, 8, 2, 0, 0, 0)
    pixels = zlib.compress((b"\x00" + rgb * size) * rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


# The icon of passes whose template has none (Apple requires icon.png): plain grey, 29 pt at 1x and 2x.
DEFAULT_ICON_FILES: dict[str, bytes] = {
    "icon.png": _plain_png(29, b"\x8e\x8e\x93"),
    "icon@2x.png": _plain_png(58, b"\x8e\x8e\x93"),
}
# The sign-up sheet's logo of a personalizable pass when its template gives none (Apple requires one).
DEFAULT_PERSONALIZATION_LOGO = _plain_png(150, b"\x8e\x8e\x93", height=40)


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
    groups = with_notification(groups, values.get("notification"))
    if style is None:
        problems.append(problem("projectType", "project_type", value=project_type))
    for name, header in headers.items():
        problems.extend(header_problems(name, header, paths[name]))
    problems.extend(barcode_problems(headers, project_settings, needs_message=True))
    problems.extend(check_expiry(expiry))
    files = _files(images, problems)
    if problems or style is None:
        raise PassValidationError(problems)
    if style == "boardingPass":
        transit = apple_enum(header_value(headers, "transitType"), "transitType")
        groups["transitType"] = transit or DEFAULT_TRANSIT_TYPE
    pass_json = {**_identity_keys(identity), style: groups, **_appearance(headers)}
    pass_json.update(barcodes(headers, project_settings))
    pass_json.update(_dates(headers, expiry, identity.created_at))
    pass_json.update(relevance(design, values))
    return RenderedPass(pass_json=pass_json, files=files)


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
        if colour := apple_colour(header_value(headers, name)):
            out[key] = colour
    if logo_text := given(header_value(headers, "logo_text")):
        out["logoText"] = logo_text
    if (shine := as_bool(header_value(headers, "suppress_strip_shine"))) is not None:
        out["suppressStripShine"] = shine
    if header_value(headers, "sharingStatus") == "oneUserOneDevice":
        out["sharingProhibited"] = True
    return out


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
    if relevant := parse_when(header_value(headers, "relevantDate")):
        out["relevantDate"] = w3c(relevant[0])
    return out


def _template_expiry(expiry: Mapping[str, object], created_at: datetime) -> str | None:
    if (day := parse_day(expiry.get("expiryDate"))) is not None:
        zone = parse_zone(expiry.get("expiryTimeZone") or "UTC") or UTC
        return w3c(datetime(day.year, day.month, day.day, tzinfo=zone))
    if isinstance(days := as_number(expiry.get("expiryDuration")), int):
        start = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        return w3c((start + timedelta(days=days)).astimezone(UTC))
    return None  # expireNever, or no expiryInfo


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


def pass_dates(
    headers: Mapping[str, object], expiry: Mapping[str, object] | None, created_at: datetime
) -> dict[str, object]:
    """A pass's ``expirationDate``, ``voided`` and ``relevantDate`` as pass.json writes them; Google
    Wallet objects read the same dates."""
    return _dates(headers, expiry, created_at)
