"""Validation of pass.json against Apple's pass format: one typed dict per Apple sub-object.

Typed dicts rather than Pydantic models: validating builds no objects (a model fills in every
optional key) and calls no Python per key, which halves the cost of checking a typical pass (issue 13)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Required

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    with_config,
)
from pydantic_core import ErrorDetails
from typing_extensions import TypedDict

from passmint.apple.errors import PassValidationError, Problem
from passmint.apple.passrules import (
    ERROR_FIELD_SUFFIX,
    FIELD_GROUPS,
    GROUPING_STYLES,
    JSON_TYPE_NAMES,
    MAX_BEACONS,
    MAX_LOCATIONS,
    MESSAGES,
    PASS_THROUGH_KEYS,
    STYLES,
    AnyJson,
    AuthenticationToken,
    BarcodeFormat,
    ChangeMessage,
    Color,
    CurrencyCode,
    DataDetectorType,
    DateStyle,
    Distance,
    EncodingName,
    EncryptionPublicKey,
    FieldValue,
    FormatVersion,
    JsonObject,
    Latitude,
    Longitude,
    NfcMessage,
    NonEmpty,
    NumberStyle,
    ProximityUUID,
    Row,
    TextAlignment,
    TransitType,
    Uint16,
    W3CDate,
    WebServiceURL,
    fail,
    is_json,
)

# Apple's rules shared by every object: no unknown keys, no type coercion. No key takes null (no type
# accepts None; a key given null is reported as MESSAGES["null"], see _problem_from_error).
_APPLE = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


@with_config(_APPLE)
class PassFieldContent(TypedDict, total=False):
    """A field on the front or back of a pass.

    https://developer.apple.com/documentation/walletpasses/passfieldcontent
    """

    key: Required[NonEmpty]
    value: Required[FieldValue]
    label: str
    attributedValue: FieldValue
    changeMessage: ChangeMessage
    dataDetectorTypes: list[DataDetectorType]
    textAlignment: TextAlignment
    dateStyle: DateStyle
    timeStyle: DateStyle
    ignoresTimeZone: bool
    isRelative: bool
    currencyCode: CurrencyCode
    numberStyle: NumberStyle
    semantics: JsonObject


@with_config(_APPLE)
class AuxiliaryFieldContent(PassFieldContent, total=False):
    """A field of auxiliaryFields, which may also pick its row.

    https://developer.apple.com/documentation/walletpasses/passfields/auxiliaryfields-data.dictionary
    """

    row: Row


FieldList = list[PassFieldContent]


@with_config(_APPLE)
class PassFields(TypedDict, total=False):
    """The groups of fields of a coupon, event ticket, generic pass or store card.

    https://developer.apple.com/documentation/walletpasses/passfields
    """

    headerFields: FieldList
    primaryFields: FieldList
    secondaryFields: FieldList
    auxiliaryFields: list[AuxiliaryFieldContent]
    backFields: FieldList
    additionalInfoFields: FieldList


@with_config(_APPLE)
class BoardingPassFields(PassFields, total=False):
    """The groups of fields of a boarding pass, which also names how people travel.

    https://developer.apple.com/documentation/walletpasses/pass/boardingpass-data.dictionary
    """

    transitType: Required[TransitType]


@with_config(_APPLE)
class Barcode(TypedDict, total=False):
    """A barcode shown on the pass (``barcodes`` items and the legacy ``barcode``).

    https://developer.apple.com/documentation/walletpasses/pass/barcodes-data.dictionary
    """

    format: Required[BarcodeFormat]
    message: Required[str]
    messageEncoding: Required[EncodingName]
    altText: str


def _message_fits_encoding(barcode: Barcode) -> Barcode:
    try:
        barcode["message"].encode(barcode["messageEncoding"])
    except UnicodeEncodeError:
        raise fail("barcode_message", encoding=barcode["messageEncoding"]) from None
    return barcode


@with_config(_APPLE)
class Location(TypedDict, total=False):
    """A place where the pass is relevant.

    https://developer.apple.com/documentation/walletpasses/pass/locations-data.dictionary
    """

    latitude: Required[Latitude]
    longitude: Required[Longitude]
    altitude: float
    relevantText: str


@with_config(_APPLE)
class Beacon(TypedDict, total=False):
    """A Bluetooth Low Energy beacon near which the pass is relevant.

    https://developer.apple.com/documentation/walletpasses/pass/beacons-data.dictionary
    """

    proximityUUID: Required[ProximityUUID]
    major: Uint16
    minor: Uint16
    relevantText: str


@with_config(_APPLE)
class NFC(TypedDict, total=False):
    """The NFC payload a contactless reader receives (Value Added Services).

    https://developer.apple.com/documentation/walletpasses/pass/nfc-data.dictionary
    """

    message: Required[NfcMessage]
    encryptionPublicKey: EncryptionPublicKey
    requiresAuthentication: bool


@with_config(_APPLE)
class RelevantDate(TypedDict, total=False):
    """A date, or an interval, when the pass is relevant.

    https://developer.apple.com/documentation/walletpasses/pass/relevantdates-data.dictionary
    """

    date: W3CDate
    startDate: W3CDate
    endDate: W3CDate


def _date_or_interval(relevant: RelevantDate) -> RelevantDate:
    if "date" not in relevant and not ("startDate" in relevant and "endDate" in relevant):
        raise fail("relevant_date")
    return relevant


BarcodeValue = Annotated[Barcode, AfterValidator(_message_fits_encoding)]
RelevantDateValue = Annotated[RelevantDate, AfterValidator(_date_or_interval)]


@with_config(_APPLE)
class PassJson(TypedDict, total=False):
    """The top-level object of pass.json.

    https://developer.apple.com/documentation/walletpasses/pass
    """

    formatVersion: Required[FormatVersion]
    passTypeIdentifier: Required[NonEmpty]
    serialNumber: Required[NonEmpty]
    teamIdentifier: Required[NonEmpty]
    organizationName: Required[NonEmpty]
    description: Required[NonEmpty]
    boardingPass: BoardingPassFields
    coupon: PassFields
    eventTicket: PassFields
    generic: PassFields
    storeCard: PassFields
    barcode: BarcodeValue
    barcodes: list[BarcodeValue]
    backgroundColor: Color
    foregroundColor: Color
    labelColor: Color
    locations: Annotated[list[Location], Field(max_length=MAX_LOCATIONS)]
    beacons: Annotated[list[Beacon], Field(max_length=MAX_BEACONS)]
    maxDistance: Distance
    relevantDate: W3CDate
    relevantDates: list[RelevantDateValue]
    expirationDate: W3CDate
    voided: bool
    sharingProhibited: bool
    suppressStripShine: bool
    logoText: str
    groupingIdentifier: str
    appLaunchURL: str
    associatedStoreIdentifiers: list[int]
    userInfo: AnyJson  # any JSON, but not null itself (passrules._check_json)
    authenticationToken: AuthenticationToken
    webServiceURL: WebServiceURL
    nfc: NFC
    semantics: JsonObject


_PASS_JSON: TypeAdapter[PassJson] = TypeAdapter(PassJson)


def validate_pass_json(data: Mapping[str, object]) -> PassJson:
    """Check pass.json against Apple's format; raise PassValidationError listing every problem."""
    if type(data) is not dict and not isinstance(data, Mapping):  # dict first: no ABC check
        raise PassValidationError([Problem(field="pass.json", message=MESSAGES["not_object"])])
    passing_through = PASS_THROUGH_KEYS.keys() & data.keys()
    modelled = data
    if passing_through or type(data) is not dict:  # a copy only when something is taken out or it is no dict
        modelled = {key: value for key, value in data.items() if key not in passing_through}
    problems = _pass_through_problems(data, passing_through)
    model: PassJson | None = None
    try:
        model = _PASS_JSON.validate_python(modelled)
    except ValidationError as exc:
        problems.extend(_problem_from_error(error) for error in exc.errors(include_url=False))
    problems.extend(_structure_problems(data))
    if problems or model is None:
        raise PassValidationError(problems)
    return model


def _pass_through_problems(data: Mapping[str, object], keys: set[str]) -> list[Problem]:
    """Check the JSON type of the newer pass-through keys given (in PASS_THROUGH_KEYS's order)."""
    problems: list[Problem] = []
    for key, kind in PASS_THROUGH_KEYS.items() if keys else ():
        if key not in keys:
            continue
        value = data[key]
        if not isinstance(value, kind) or not is_json(value):
            message = MESSAGES["pass_through_type"].format(kind=JSON_TYPE_NAMES[kind])
            problems.append(Problem(field=key, message=message))
    return problems


def _problem_from_error(error: ErrorDetails) -> Problem:
    loc = error["loc"]
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if error.get("input", 0) is None and loc and isinstance(loc[-1], str) and kind != "extra_forbidden":
        return Problem(field=field_path(loc), message=MESSAGES["null"])  # a key given null
    if kind == "extra_forbidden":
        key = str(loc[-1])
        special = {"row": "row_outside_auxiliary", "transitType": "transit_type_outside_boarding"}
        message = MESSAGES[special[key]] if key in special else MESSAGES["unknown_key"].format(key=key)
    elif kind == "missing":
        message = MESSAGES["missing"]
    elif kind == "dict_type":
        message = MESSAGES["json_object"]
    elif kind == "too_long":
        message = MESSAGES["too_long"].format(actual=ctx.get("actual_length"), limit=ctx.get("max_length"))
    elif kind == "literal_error":
        message = error["msg"].replace("Input should be", "must be one of").replace(" or ", ", ")
    else:
        message = error["msg"].replace("Input should be", "must be")
    suffix = ERROR_FIELD_SUFFIX.get(kind)
    return Problem(field=field_path((*loc, suffix) if suffix else loc), message=message)


def field_path(loc: tuple[int | str, ...]) -> str:
    """Write a location such as ('storeCard', 'primaryFields', 0, 'key') as storeCard.primaryFields[0].key."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _structure_problems(data: Mapping[str, object]) -> list[Problem]:
    """Rules spanning several keys, checked on the raw JSON so they add to the model's problems."""
    problems: list[Problem] = []
    styles = [style for style in STYLES if style in data]
    if not styles:
        problems.append(Problem(field="|".join(STYLES), message=MESSAGES["no_style"]))
    for other in styles[1:]:
        problems.append(Problem(field=other, message=MESSAGES["two_styles"].format(other=other)))
    problems.extend(_duplicate_key_problems(data, styles))
    if "webServiceURL" in data and "authenticationToken" not in data:
        problems.append(Problem(field="authenticationToken", message=MESSAGES["url_without_token"]))
    if "authenticationToken" in data and "webServiceURL" not in data:
        problems.append(Problem(field="webServiceURL", message=MESSAGES["token_without_url"]))
    if "groupingIdentifier" in data and styles and styles[0] not in GROUPING_STYLES:
        problems.append(Problem(field="groupingIdentifier", message=MESSAGES["grouping"]))
    return problems


def _duplicate_key_problems(data: Mapping[str, object], styles: list[str]) -> list[Problem]:
    if not _has_duplicate_keys(data, styles):  # the common case, in one comprehension
        return []
    problems: list[Problem] = []
    first_use: dict[str, tuple[str, str, int]] = {}
    for style in styles:
        structure = data.get(style)
        if not isinstance(structure, dict):
            continue
        for group in FIELD_GROUPS:
            fields = structure.get(group)
            for index, field in enumerate(fields if isinstance(fields, list) else []):
                key = field.get("key") if isinstance(field, dict) else None
                if not isinstance(key, str):
                    continue
                if key in first_use:
                    message = MESSAGES["duplicate_key"].format(key=key, first=_key_path(*first_use[key]))
                    problems.append(Problem(field=_key_path(style, group, index), message=message))
                else:
                    first_use[key] = (style, group, index)  # the path is written only for a duplicate
    return problems


def _key_path(style: str, group: str, index: int) -> str:
    return f"{style}.{group}[{index}].key"


def _has_duplicate_keys(data: Mapping[str, object], styles: list[str]) -> bool:
    keys = [
        key
        for style in styles
        if isinstance(structure := data.get(style), dict)
        for group in FIELD_GROUPS
        if isinstance(fields := structure.get(group), list)
        for field in fields
        if isinstance(field, dict) and isinstance(key := field.get("key"), str)
    ]
    return len(set(keys)) != len(keys)
