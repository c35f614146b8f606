"""Value rules of Apple's pass format: constants, messages and the checks behind passjson's types."""

from __future__ import annotations

import base64
import binascii
import codecs
import functools
import math
import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key
from pydantic import AfterValidator, Field, GetPydanticSchema, PlainValidator
from pydantic_core import PydanticCustomError, core_schema

# fmt: off
STYLES = ("boardingPass", "coupon", "eventTicket", "generic", "storeCard")
FIELD_GROUPS = (
    "headerFields", "primaryFields", "secondaryFields", "auxiliaryFields", "backFields",
    "additionalInfoFields",
)
GROUPING_STYLES = ("boardingPass", "eventTicket")
MAX_LOCATIONS = 10
MAX_BEACONS = 10
MIN_TOKEN_LENGTH = 16
MAX_NFC_MESSAGE_BYTES = 64
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

# Newer keys Apple documents for iOS 18 and later: written as given after a JSON type check.
_NEWER_TEXT_KEYS = (
    "eventLogoText", "footerBackgroundColor", "bagPolicyURL", "orderFoodURL", "parkingInformationURL",
    "directionsInformationURL", "purchaseParkingURL", "merchandiseURL", "transitInformationURL",
    "accessibilityURL", "addOnURL", "contactVenueEmail", "contactVenuePhoneNumber", "contactVenueWebsite",
    "transferURL", "sellURL", "changeSeatURL", "entertainmentURL", "purchaseAdditionalBaggageURL",
    "purchaseLoungeAccessURL", "purchaseWifiURL", "upgradeURL", "managementURL", "registerServiceAnimalURL",
    "reportLostBagURL", "requestWheelchairURL", "transitProviderEmail", "transitProviderPhoneNumber",
    "transitProviderWebsiteURL",
)
# fmt: on
PASS_THROUGH_KEYS: dict[str, type] = {
    **dict.fromkeys(_NEWER_TEXT_KEYS, str),
    **dict.fromkeys(("preferredStyleSchemes", "auxiliaryStoreIdentifiers", "upcomingPassInformation"), list),
    **dict.fromkeys(("useAutomaticColors", "suppressHeaderDarkening"), bool),
}

# Errors raised by a whole object that concern one of its keys: the key to name in the field path.
ERROR_FIELD_SUFFIX = {"barcode_message": "message"}
JSON_TYPE_NAMES = {list: "a list", str: "a string", bool: "true or false"}

# Every message this module shows to people.
MESSAGES = {
    "null": "must not be null; leave the key out instead",
    "missing": "is required",
    "unknown_key": "'{key}' is not a key of Apple's pass format here",
    "row_outside_auxiliary": "row is allowed only in auxiliaryFields",
    "transit_type_outside_boarding": "transitType is allowed only in boardingPass",
    "format_version": "must be 1",
    "color": "must be an rgb(r, g, b) colour with components 0-255, e.g. rgb(23, 187, 82)",
    "date": "must be an ISO 8601 date and time with a time zone, e.g. 2025-06-01T19:30:00+02:00",
    "field_value": "must be a string or a number",
    "change_message": "must contain %@, where the new value goes",
    "currency_code": "must be an ISO 4217 currency code such as EUR",
    "json_object": "must be a JSON object",
    "json_value": "must hold only JSON values (objects, lists, strings, finite numbers, booleans, null)",
    "encoding": "'{value}' is not a character encoding Wallet knows, e.g. iso-8859-1 or utf-8",
    "barcode_message": "message cannot be written in {encoding}",
    "uuid": "must be a UUID such as E2C56DB5-DFFB-48D2-B060-D0F5A71096E0",
    "nfc_message": "must be at most 64 bytes in UTF-8 (it is {size})",
    "public_key": "must be a base64 X.509 SubjectPublicKeyInfo of an elliptic-curve P-256 key",
    "row": "must be 0 or 1",
    "token": "must be at least 16 characters long",
    "web_service_url": "must be an https URL (http is allowed only for localhost)",
    "relevant_date": "needs either date, or both startDate and endDate",
    "too_long": "has {actual} entries; Apple allows at most {limit}",
    "no_style": "a pass needs exactly one style: boardingPass, coupon, eventTicket, generic or storeCard",
    "two_styles": "a pass has exactly one style, and this one also has {other}",
    "duplicate_key": "'{key}' is already used at {first}; field keys must be unique across the pass",
    "token_without_url": "is required when authenticationToken is set",
    "url_without_token": "is required when webServiceURL is set",
    "grouping": "is allowed only on boardingPass and eventTicket passes",
    "pass_through_type": "must be {kind}",
    "not_object": "pass.json must be a JSON object",
}

_RGB = re.compile(r"rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)", re.IGNORECASE)
_HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def fail(kind: str, **context: object) -> PydanticCustomError:
    return PydanticCustomError(kind, MESSAGES[kind], dict(context) or None)


def _check_format_version(value: object) -> int:
    if type(value) is not int or value != 1:
        raise fail("format_version")
    return value


def colour_parts(value: object) -> tuple[int, int, int] | None:
    """Red, green and blue of a colour written rgb(r, g, b) (any case and spacing), #rrggbb or #rgb;
    None if it is not written as a colour. Components are not range-checked (``apple_colour`` does).

    The one reading of colours: template headers, the renderer and pass.json's rules all use it."""
    word = value.strip() if isinstance(value, str) else ""
    if match := _RGB.fullmatch(word):
        red, green, blue = (int(part) for part in match.groups())
    elif match := _HEX.fullmatch(word):
        digits = match.group(1) if len(match.group(1)) == 6 else "".join(2 * d for d in match.group(1))
        red, green, blue = (int(digits[index : index + 2], 16) for index in (0, 2, 4))
    else:
        return None
    return red, green, blue


def _check_color(value: str) -> str:
    """Apple's pass.json writes colours as rgb(r, g, b) only (read by ``colour_parts``)."""
    if not _is_apple_colour(value):
        raise fail("color")
    return value


@functools.lru_cache(maxsize=1024)
def _is_apple_colour(value: str) -> bool:
    """Whether value is rgb(r, g, b) with components up to 255; remembered, as passes repeat their colours."""
    parts = colour_parts(value) if value.strip().startswith("rgb(") else None
    return parts is not None and max(parts) <= 255


def _check_date(value: str) -> str:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise fail("date") from None
    if parsed.tzinfo is None or "T" not in value.upper():
        raise fail("date")
    return value


def _check_change_message(value: str) -> str:
    if "%@" not in value:
        raise fail("change_message")
    return value


def _check_currency(value: str) -> str:
    if len(value) != 3 or not value.isascii() or not value.isalpha() or not value.isupper():
        raise fail("currency_code")
    return value


def is_json(value: object) -> bool:
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and is_json(item) for key, item in value.items())
    return False


def _check_json(value: object) -> object:
    if value is None:
        raise fail("null")
    if not is_json(value):
        raise fail("json_value")
    return value


def _check_json_object(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise fail("json_object")
    _check_json(value)
    return value


def _check_encoding(value: str) -> str:
    try:
        codecs.lookup(value)
    except LookupError:
        raise fail("encoding", value=value) from None
    return value


def _check_uuid(value: str) -> str:
    try:
        uuid.UUID(value)
    except ValueError:
        raise fail("uuid") from None
    return value


def _check_nfc_message(value: str) -> str:
    size = len(value.encode("utf-8"))
    if size > MAX_NFC_MESSAGE_BYTES:
        raise fail("nfc_message", size=size)
    return value


def _check_public_key(value: str) -> str:
    try:
        key = load_der_public_key(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        raise fail("public_key") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise fail("public_key")
    return value


def _check_row(value: object) -> int:
    if type(value) is not int or value not in (0, 1):
        raise fail("row")
    return value


def _check_token(value: str) -> str:
    if len(value) < MIN_TOKEN_LENGTH:
        raise fail("token")
    return value


def _check_web_service_url(value: str) -> str:
    scheme, _, rest = value.partition("://")
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    host = host[1:].split("]", 1)[0] if host.startswith("[") else host.split(":", 1)[0]
    secure = scheme.lower() == "https" and bool(host)
    if not (secure or (scheme.lower() == "http" and host.lower() in LOCAL_HOSTS)):
        raise fail("web_service_url")
    return value


FormatVersion = Annotated[int, PlainValidator(_check_format_version)]
NonEmpty = Annotated[str, Field(min_length=1)]
Color = Annotated[str, AfterValidator(_check_color)]
W3CDate = Annotated[str, AfterValidator(_check_date)]
# A string, an integer (not a boolean) or a finite float, checked inside pydantic-core: no Python call
# per value (a pass has a dozen), one error with our message instead of one per member of the union.
_FIELD_VALUE_SCHEMA = core_schema.union_schema(
    [
        core_schema.str_schema(strict=True),
        core_schema.int_schema(strict=True),
        core_schema.float_schema(strict=True, allow_inf_nan=False),
    ],
    custom_error_type="field_value",
    custom_error_message=MESSAGES["field_value"],
)
FieldValue = Annotated[str | int | float, GetPydanticSchema(lambda _type, _handler: _FIELD_VALUE_SCHEMA)]
JsonObject = Annotated[dict[str, object], PlainValidator(_check_json_object)]
AnyJson = Annotated[object, PlainValidator(_check_json)]
Row = Annotated[int, PlainValidator(_check_row)]
Uint16 = Annotated[int, Field(ge=0, le=65535)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Distance = Annotated[float, Field(ge=0)]
ChangeMessage = Annotated[str, AfterValidator(_check_change_message)]
CurrencyCode = Annotated[str, AfterValidator(_check_currency)]
EncodingName = Annotated[str, Field(min_length=1), AfterValidator(_check_encoding)]
ProximityUUID = Annotated[str, AfterValidator(_check_uuid)]
NfcMessage = Annotated[str, AfterValidator(_check_nfc_message)]
EncryptionPublicKey = Annotated[str, AfterValidator(_check_public_key)]
AuthenticationToken = Annotated[str, AfterValidator(_check_token)]
WebServiceURL = Annotated[str, AfterValidator(_check_web_service_url)]
TextAlignment = Literal[
    "PKTextAlignmentLeft", "PKTextAlignmentCenter", "PKTextAlignmentRight", "PKTextAlignmentNatural"
]
DateStyle = Literal[
    "PKDateStyleNone", "PKDateStyleShort", "PKDateStyleMedium", "PKDateStyleLong", "PKDateStyleFull"
]
NumberStyle = Literal[
    "PKNumberStyleDecimal", "PKNumberStylePercent", "PKNumberStyleScientific", "PKNumberStyleSpellOut"
]
DataDetectorType = Literal[
    "PKDataDetectorTypePhoneNumber",
    "PKDataDetectorTypeLink",
    "PKDataDetectorTypeAddress",
    "PKDataDetectorTypeCalendarEvent",
]
TransitType = Literal[
    "PKTransitTypeAir", "PKTransitTypeBoat", "PKTransitTypeBus", "PKTransitTypeGeneric", "PKTransitTypeTrain"
]
BarcodeFormat = Literal[
    "PKBarcodeFormatQR", "PKBarcodeFormatPDF417", "PKBarcodeFormatAztec", "PKBarcodeFormatCode128"
]
