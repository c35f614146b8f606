"""Validation of pass.json against Apple's pass format: one Pydantic model per Apple sub-object."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import ErrorDetails

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


class _Null:
    """Stands for a JSON null given as a key's value; reported as MESSAGES["null"] at that key."""

    __slots__ = ()


_NULL = _Null()


class AppleModel(BaseModel):
    """Shared rules: Apple's camelCase keys, no unknown keys, no type coercion, no nulls."""

    model_config = ConfigDict(
        strict=True, extra="forbid", alias_generator=to_camel, allow_inf_nan=False, frozen=True
    )

    @model_validator(mode="before")
    @classmethod
    def _mark_nulls(cls, data: object) -> object:
        """One call per object (not per key): a null becomes _NULL, which every field type rejects."""
        if isinstance(data, dict) and None in data.values():
            return {key: _NULL if value is None else value for key, value in data.items()}
        return data


class PassFieldContent(AppleModel):
    """A field on the front or back of a pass.

    https://developer.apple.com/documentation/walletpasses/passfieldcontent
    """

    key: NonEmpty
    value: FieldValue
    label: str | None = None
    attributed_value: FieldValue | None = None
    change_message: ChangeMessage | None = None
    data_detector_types: list[DataDetectorType] | None = None
    text_alignment: TextAlignment | None = None
    date_style: DateStyle | None = None
    time_style: DateStyle | None = None
    ignores_time_zone: bool | None = None
    is_relative: bool | None = None
    currency_code: CurrencyCode | None = None
    number_style: NumberStyle | None = None
    semantics: JsonObject | None = None


class AuxiliaryFieldContent(PassFieldContent):
    """A field of auxiliaryFields, which may also pick its row.

    https://developer.apple.com/documentation/walletpasses/passfields/auxiliaryfields-data.dictionary
    """

    row: Row | None = None


class PassFields(AppleModel):
    """The groups of fields of a coupon, event ticket, generic pass or store card.

    https://developer.apple.com/documentation/walletpasses/passfields
    """

    header_fields: list[PassFieldContent] | None = None
    primary_fields: list[PassFieldContent] | None = None
    secondary_fields: list[PassFieldContent] | None = None
    auxiliary_fields: list[AuxiliaryFieldContent] | None = None
    back_fields: list[PassFieldContent] | None = None
    additional_info_fields: list[PassFieldContent] | None = None


class BoardingPassFields(PassFields):
    """The groups of fields of a boarding pass, which also names how people travel.

    https://developer.apple.com/documentation/walletpasses/pass/boardingpass-data.dictionary
    """

    transit_type: TransitType


class Barcode(AppleModel):
    """A barcode shown on the pass (``barcodes`` items and the legacy ``barcode``).

    https://developer.apple.com/documentation/walletpasses/pass/barcodes-data.dictionary
    """

    format: BarcodeFormat
    message: str
    message_encoding: EncodingName
    alt_text: str | None = None

    @model_validator(mode="after")
    def _message_fits_encoding(self) -> Barcode:
        try:
            self.message.encode(self.message_encoding)
        except UnicodeEncodeError:
            raise fail("barcode_message", encoding=self.message_encoding) from None
        return self


class Location(AppleModel):
    """A place where the pass is relevant.

    https://developer.apple.com/documentation/walletpasses/pass/locations-data.dictionary
    """

    latitude: Latitude
    longitude: Longitude
    altitude: float | None = None
    relevant_text: str | None = None


class Beacon(AppleModel):
    """A Bluetooth Low Energy beacon near which the pass is relevant.

    https://developer.apple.com/documentation/walletpasses/pass/beacons-data.dictionary
    """

    proximity_uuid: ProximityUUID = Field(alias="proximityUUID")
    major: Uint16 | None = None
    minor: Uint16 | None = None
    relevant_text: str | None = None


class NFC(AppleModel):
    """The NFC payload a contactless reader receives (Value Added Services).

    https://developer.apple.com/documentation/walletpasses/pass/nfc-data.dictionary
    """

    message: NfcMessage
    encryption_public_key: EncryptionPublicKey | None = None
    requires_authentication: bool | None = None


class RelevantDate(AppleModel):
    """A date, or an interval, when the pass is relevant.

    https://developer.apple.com/documentation/walletpasses/pass/relevantdates-data.dictionary
    """

    date: W3CDate | None = None
    start_date: W3CDate | None = None
    end_date: W3CDate | None = None

    @model_validator(mode="after")
    def _date_or_interval(self) -> RelevantDate:
        has_interval = self.start_date is not None and self.end_date is not None
        if self.date is None and not has_interval:
            raise fail("relevant_date")
        return self


class PassJson(AppleModel):
    """The top-level object of pass.json.

    https://developer.apple.com/documentation/walletpasses/pass
    """

    format_version: FormatVersion
    pass_type_identifier: NonEmpty
    serial_number: NonEmpty
    team_identifier: NonEmpty
    organization_name: NonEmpty
    description: NonEmpty
    boarding_pass: BoardingPassFields | None = None
    coupon: PassFields | None = None
    event_ticket: PassFields | None = None
    generic: PassFields | None = None
    store_card: PassFields | None = None
    barcode: Barcode | None = None
    barcodes: list[Barcode] | None = None
    background_color: Color | None = None
    foreground_color: Color | None = None
    label_color: Color | None = None
    locations: Annotated[list[Location], Field(max_length=MAX_LOCATIONS)] | None = None
    beacons: Annotated[list[Beacon], Field(max_length=MAX_BEACONS)] | None = None
    max_distance: Distance | None = None
    relevant_date: W3CDate | None = None
    relevant_dates: list[RelevantDate] | None = None
    expiration_date: W3CDate | None = None
    voided: bool | None = None
    sharing_prohibited: bool | None = None
    suppress_strip_shine: bool | None = None
    logo_text: str | None = None
    grouping_identifier: str | None = None
    app_launch_url: str | None = Field(default=None, alias="appLaunchURL")
    associated_store_identifiers: list[int] | None = None
    user_info: AnyJson | None = None
    authentication_token: AuthenticationToken | None = None
    web_service_url: WebServiceURL | None = Field(default=None, alias="webServiceURL")
    nfc: NFC | None = None
    semantics: JsonObject | None = None


def validate_pass_json(data: Mapping[str, object]) -> PassJson:
    """Check pass.json against Apple's format; raise PassValidationError listing every problem."""
    if not isinstance(data, Mapping):
        raise PassValidationError([Problem(field="pass.json", message=MESSAGES["not_object"])])
    modelled = dict(data)
    problems = _pass_through_problems(modelled)
    model: PassJson | None = None
    try:
        model = PassJson.model_validate(modelled)
    except ValidationError as exc:
        problems.extend(_problem_from_error(error) for error in exc.errors(include_url=False))
    problems.extend(_structure_problems(data))
    if problems or model is None:
        raise PassValidationError(problems)
    return model


def _pass_through_problems(modelled: dict[str, object]) -> list[Problem]:
    """Take the newer pass-through keys out of ``modelled`` and check their JSON type."""
    problems: list[Problem] = []
    for key, kind in PASS_THROUGH_KEYS.items():
        if key not in modelled:
            continue
        value = modelled.pop(key)
        if not isinstance(value, kind) or not is_json(value):
            message = MESSAGES["pass_through_type"].format(kind=JSON_TYPE_NAMES[kind])
            problems.append(Problem(field=key, message=message))
    return problems


def _problem_from_error(error: ErrorDetails) -> Problem:
    loc = error["loc"]
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if error.get("input") is _NULL and kind != "extra_forbidden":
        return Problem(field=field_path(loc), message=MESSAGES["null"])
    if kind == "extra_forbidden":
        key = str(loc[-1])
        special = {"row": "row_outside_auxiliary", "transitType": "transit_type_outside_boarding"}
        message = MESSAGES[special[key]] if key in special else MESSAGES["unknown_key"].format(key=key)
    elif kind == "missing":
        message = MESSAGES["missing"]
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
