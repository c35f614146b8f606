"""The shape of a template design: headers and fields of Apple templates, headers and modules of Google's.

Header and field objects are spelled as the Airship reference spells them. A design is stored in one
canonical form for both vendors, ``{"headers": {...}, "fields": {...}}``, every field carrying its
``fieldType`` (an Apple field group, or for Google the module it sits in), so the v1 and v2 formats
of the API are two views of the same document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from passmint.apple.passrules import colour_parts
from passmint.apple.render_values import ENUMS, apple_enum, as_number
from passmint.kit.limits import MAX_TEXT, BoundedJson, BoundedScalar, Text, fail_at
from passmint.kit.spellings import V2_BARCODE_TYPES, barcode_encoding, barcode_type


def _loose_bool(value: Any) -> Any:
    """The reference writes booleans as JSON booleans and as the strings "True"/"False"."""
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return value


LooseBool = Annotated[bool, BeforeValidator(_loose_bool)]


class Vendor(StrEnum):
    APPLE = "Apple"
    GOOGLE = "Google"


def _vendor_case(value: Any) -> Any:
    """``Apple``, ``APPLE`` and ``apple`` (the reference writes both of the first two)."""
    known = isinstance(value, str) and value.strip().lower() in VENDORS
    return value.strip().capitalize() if known else value


VENDORS = {"apple", "google"}
VendorName = Annotated[Vendor, BeforeValidator(_vendor_case)]


class AppleFieldGroup(StrEnum):
    HEADER = "header"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    AUXILIARY = "auxiliary"
    BACK = "back"


class GoogleModule(StrEnum):
    TITLE = "titleModule"
    INFO = "infoModuleData"
    TEXT = "textModulesData"
    LINKS = "linksModuleData"
    POINTS = "pointsModule"
    LOYALTY_POINTS = "loyaltyPoints"
    ACCOUNT = "acctModule"
    IMAGES = "imageModulesData"
    MESSAGE = "messageModule"
    OFFER = "offerModule"
    NOT_ASSIGNED = "notAssigned"


MODULE_SPELLINGS = {"linkModulesData": GoogleModule.LINKS}
"""The reference's schema spells the links module ``linkModulesData``; its examples ``linksModuleData``."""


class FormatType(StrEnum):
    STRING = "String"
    NUMBER = "Number"
    URL = "URL"
    DATE = "Date"


def _format_case(value: Any) -> Any:
    """``String``, ``Number``, ``URL``, ``Date`` in any case."""
    known = {kind.value.lower(): kind.value for kind in FormatType}
    return known.get(value.strip().lower(), value) if isinstance(value, str) else value


Format = Annotated[FormatType, BeforeValidator(_format_case)]


class TextAlignment(StrEnum):
    LEFT = "textAlignmentLeft"
    CENTER = "textAlignmentCenter"
    RIGHT = "textAlignmentRight"
    NATURAL = "textAlignmentNatural"


def _spelled(kind: str, stored: Callable[[str], str] = lambda constant: constant) -> Any:
    """A validator reading Apple's constant (``PKNumberStyleDecimal``), Airship's spelling
    (``numberStyleDecimal``) or the bare word (``decimal``) of an Apple enum; ``stored`` is the form kept."""

    def spell(value: Any) -> Any:
        constant = apple_enum(value, kind)
        if isinstance(value, str) and constant is None:
            prefix, names = ENUMS[kind]
            raise ValueError(f"'{value}' is not one of {', '.join(prefix + name for name in names)}")
        return value if constant is None else stored(constant)

    return BeforeValidator(spell)


Alignment = Annotated[TextAlignment, _spelled("textAlignment", lambda c: "t" + c.removeprefix("PKT"))]
"""Stored as Airship spells it (``textAlignmentRight``); Apple's ``PKTextAlignmentRight`` is read too."""
NumberStyle = Annotated[str, _spelled("numberStyle")]
"""Stored as Apple's constant (``PKNumberStyleDecimal``); ``numberStyleDecimal`` is read too."""
DateStyle = Annotated[str, _spelled("dateStyle")]


class SharingStatus(StrEnum):
    MULTIPLE_HOLDERS = "multipleHolders"
    ONE_USER_ALL_DEVICES = "oneUserAllDevices"
    ONE_USER_ONE_DEVICE = "oneUserOneDevice"


def _has_placeholder(value: str) -> str:
    if "%@" not in value:
        raise ValueError("must contain %@, where the new value goes")
    return value


ChangeMessage = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(_has_placeholder)]
"""Shown on the lock screen when the value changes; ``%@`` stands for the new value."""


class DesignModel(BaseModel):
    """Strict about unknown keys, with the reference's undefined ``notShared`` accepted and ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")
    ignored: ClassVar[frozenset[str]] = frozenset({"notShared"})

    @model_validator(mode="before")
    @classmethod
    def _drop_ignored(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if key not in cls.ignored}
        return data

    def wire(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


Scalar = str | int | float


HEADER_KINDS = {"toplevel": "topLevel", "image": "image", "barcode": "barcode"}


def _header_kind(value: Any) -> Any:
    """``topLevel`` also as pass responses print it (``TOP_LEVEL``), in any case."""
    return HEADER_KINDS.get(value.replace("_", "").lower(), value) if isinstance(value, str) else value


class HeaderValue(DesignModel):
    """One header: colours, texts, images and barcode settings, by name."""

    field_type: Annotated[Literal["topLevel", "image", "barcode"], BeforeValidator(_header_kind)] | None = (
        None
    )
    format_type: Literal[1, "1", "String", "Number", "URL", "Date"] | None = None
    value: Scalar | None = None
    label: Text | None = None
    change_message: Text | None = None
    hide_empty: LooseBool | None = None
    required: LooseBool | None = None
    ignores_time_zone: LooseBool | None = None
    text_alignment: Alignment | None = None


def _number_value(field: Any) -> Any:
    """A numeric string in a Number field is a number (the reference's examples quote them: ``"3600"``)."""
    number = as_number(field.value) if isinstance(field.value, str) else None
    if field.format_type == FormatType.NUMBER and number is not None:
        field.value = number
    return field


class AppleField(DesignModel):
    """A field of an Apple template, placed in an Apple field group by ``fieldType``."""

    field_type: AppleFieldGroup
    format_type: Format = FormatType.STRING
    label: Text | None = None
    value: BoundedScalar | None = None
    change_message: ChangeMessage | None = None
    order: int | None = None
    text_alignment: Alignment | None = None
    required: LooseBool = False
    hide_empty: LooseBool = False
    ignores_time_zone: LooseBool | None = None
    number_style: NumberStyle | None = None
    currency_code: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    date_style: DateStyle | None = None
    time_style: DateStyle | None = None
    row: Literal[0, 1] | None = None
    semantics: BoundedJson | None = None

    @field_validator("field_type", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    _numbers = model_validator(mode="after")(_number_value)


class GoogleField(DesignModel):
    """A field inside a Google module (``fieldType`` names the module in the canonical form)."""

    field_type: Text | None = None
    format_type: Format | None = None
    label: Text | None = None
    value: BoundedScalar | None = None
    header: Text | None = None
    body: Text | None = None
    description: Text | None = None
    uri: Text | None = None
    order: int | None = None
    row: int | None = None
    col: int | None = None
    number_style: NumberStyle | None = None
    image: Text | None = None
    image_description: Text | None = None
    change_message: Text | None = None
    hide_empty: LooseBool | None = None
    required: LooseBool | None = None
    ignores_time_zone: LooseBool | None = None
    text_alignment: Alignment | None = None

    _numbers = model_validator(mode="after")(_number_value)


APPLE_HEADERS = {
    "background_color", "foreground_color", "logo_color", "logo_text", "suppress_strip_shine",
    "icon_image", "logo_image", "strip_image", "thumbnail_image", "background_image", "footer_image",
    "barcode_type", "barcode_value", "barcodeAltText", "barcode_alt_text", "barcode_label",
    "barcode_encoding", "sharingStatus", "expirationDate", "relevantDate", "transitType",
}  # fmt: skip
GOOGLE_HEADERS = (APPLE_HEADERS - {"logo_color", "transitType"}) | {"header", "subheader"}
IMAGE_HEADERS = frozenset(name for name in APPLE_HEADERS if name.endswith("_image"))
COLOR_HEADERS = frozenset({"background_color", "foreground_color", "logo_color"})
GOOGLE_MODULE_OPTIONS = {
    "hexFontColor", "hexBackgroundColor", "image", "imageDescription", "endTime", "multiUseOffer",
    "multiUserOffer", "provider", "redemptionChannel",
}  # fmt: skip
IMAGE_URL = re.compile(r"^(https?://|data:)", re.IGNORECASE)


def bounded_values(entries: dict[str, Any]) -> dict[str, Any]:
    """Headers or fields by name whose every ``value`` is a text of at most ``MAX_TEXT`` characters;
    image headers (and pass fields named like them) take URLs, bounded by the size of their image."""
    fail_at(
        "values",
        [
            (name[:64], "value")
            for name, entry in entries.items()
            if name not in IMAGE_HEADERS
            and isinstance(getattr(entry, "value", None), str)
            and len(entry.value) > MAX_TEXT
        ],
    )
    return entries


HeaderValues = Annotated[dict[str, HeaderValue], AfterValidator(bounded_values)]
HeaderPatches = Annotated[dict[str, HeaderValue | None], AfterValidator(bounded_values)]


def header_problem(name: str, header: HeaderValue) -> str | None:
    """What is wrong with the value of header ``name``, if anything; an empty value means "not set here"."""
    value = header.value
    text = "" if value is None else str(value)
    if not text.strip():
        return None
    if name in COLOR_HEADERS and colour_parts(text) is None:
        return "must be a colour written rgb(r, g, b) or #rrggbb"
    if name in IMAGE_HEADERS and not IMAGE_URL.match(text):
        return "must be an http(s) or data: URL of a PNG or JPEG image"
    if name == "barcode_type" and barcode_type(text) is None:
        names = ", ".join(f"{v1} ({v2})" for v1, v2 in V2_BARCODE_TYPES.items())
        return f"must be a barcode type: {names}"
    if name == "barcode_encoding" and barcode_encoding(text) is None:
        return "must be iso-8859-1 or utf-8"
    if name == "sharingStatus" and text not in {status.value for status in SharingStatus}:
        return f"must be one of {', '.join(status.value for status in SharingStatus)}"
    if name == "transitType" and apple_enum(text, "transitType") is None:
        prefix, transit_types = ENUMS["transitType"]
        return f"must be one of {', '.join(prefix + kind for kind in transit_types)}"
    if name == "suppress_strip_shine" and text.lower() not in {"true", "false"}:
        return "must be true or false"
    return None


CANONICAL_HEADER_VALUES = {"barcode_type": barcode_type, "barcode_encoding": barcode_encoding}
"""Headers whose value is stored in one spelling, whichever of its spellings the client sent."""


def canonical_header(name: str, header: dict[str, Any]) -> dict[str, Any]:
    """The header with its value in the stored spelling (barcode types and encodings)."""
    spell = CANONICAL_HEADER_VALUES.get(name)
    canonical = spell(header.get("value")) if spell is not None else None
    return header if canonical is None else {**header, "value": canonical}


def header_field_type(name: str) -> str:
    """The ``fieldType`` a header has when the client leaves it out."""
    if name in IMAGE_HEADERS:
        return "image"
    return "barcode" if name.startswith("barcode") else "topLevel"
