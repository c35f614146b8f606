"""Wire models of ``/v1/pass``: create and update bodies, the pass as printed, summaries and lists."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from passmint.apple.pkpass import MAX_PASSES_PER_BUNDLE
from passmint.designs import Alignment, ChangeMessage, bounded_values
from passmint.kit.ids import MAX_ID, Id, parse_id
from passmint.kit.limits import BoundedJson, Text
from passmint.kit.pagination import Pagination
from passmint.kit.refs import checked_ref
from passmint.kit.schemas import ApiModel, InputModel
from passmint.kit.time import UtcDateTime
from passmint.templates.schemas import Beacon, LocationIn

Scalar = str | int | float
RefText = Annotated[str, AfterValidator(checked_ref)]
"""A template named in a body or query: ``12345`` or ``id/{externalId}``."""
MAX_TAGS = 15
TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
PASS_READ_ONLY = frozenset(
    {"id", "templateId", "createdAt", "updatedAt", "serialNumber", "url", "status", "installedAt",
     "uninstalledAt", "platform", "uaEntityId", "passFields"}
)  # fmt: skip


class InstallStatus(StrEnum):
    INSTALLED = "installed"
    UNINSTALLED = "uninstalled"
    BEEN_INSTALLED = "been_installed"
    NOT_BEEN_INSTALLED = "not_been_installed"


TEMPLATE_ONLY = frozenset(
    {"order", "required", "hideEmpty", "numberStyle", "dateStyle", "timeStyle", "currencyCode",
     "ignoresTimeZone", "row", "col", "notShared", "header", "body", "uri", "image", "imageDescription",
     "description", "title.string", "description.string", "provider", "redemptionChannel", "endTime",
     "multiUseOffer", "multiUserOffer"}
)  # fmt: skip
"""Keys of a whole field object that only the template decides: a pass body may carry them (clients send
back the field objects a GET returned) and they are ignored."""


class PassValue(InputModel):
    """One of the template's fields or headers as a pass body sends it: the whole field object, of which
    the pass keeps ``value``, ``label``, ``changeMessage``, ``textAlignment`` and ``semantics``.

    ``fieldType`` and ``formatType``, when sent, must be the template's (a pass cannot move a field or
    change its kind; checked with the template); the keys in ``TEMPLATE_ONLY`` are ignored.
    """

    read_only = TEMPLATE_ONLY

    value: Scalar | None = None
    label: Text | None = None
    change_message: ChangeMessage | None = None
    semantics: BoundedJson | None = None
    text_alignment: Alignment | None = None
    field_type: Annotated[str, StringConstraints(max_length=64)] | None = None
    format_type: Annotated[str, StringConstraints(max_length=64)] | int | None = None


PassValues = Annotated[dict[str, PassValue], AfterValidator(bounded_values)]
"""A pass's headers or fields by name; a text value has at most ``MAX_TEXT`` characters."""


class Nfc(InputModel):
    message: Annotated[str, StringConstraints(min_length=1)]
    encryption_public_key: Text | None = None
    """Left out: the project's Apple NFC merchant's key (see passes/nfc.py)."""
    requires_authentication: bool | None = None


class PublicUrl(InputModel):
    read_only = frozenset({"path", "installs", "used"})

    type: Annotated[Literal["single", "multiple"], StringConstraints(to_lower=True)] = "multiple"


class PassBody(InputModel):
    """A new pass: values over its template's, beacons, locations, NFC, semantics and tags.

    What a GET of a pass returns may be sent back: its read-only keys, ``externalId`` among them (the
    path names it), are ignored."""

    read_only = PASS_READ_ONLY | {"externalId"}

    headers: PassValues = Field(default_factory=dict)
    fields: PassValues = Field(default_factory=dict)
    beacons: Annotated[list[Beacon], Field(max_length=10)] | None = None
    locations: list[LocationIn] | None = None
    nfc: Nfc | None = None
    semantics: BoundedJson | None = None
    tags: Annotated[list[TagName], Field(max_length=MAX_TAGS)] | None = None
    public_url: PublicUrl | None = None

    @model_validator(mode="before")
    @classmethod
    def _public_url_spelling(cls, data: Any) -> Any:
        """The dynamic-pass example spells ``publicUrl`` as ``publicURL``; both are read."""
        if isinstance(data, dict) and "publicURL" in data and "publicUrl" not in data:
            return {("publicUrl" if key == "publicURL" else key): value for key, value in data.items()}
        return data


class DynamicPassBody(PassBody):
    """``POST /pass/{templateId}/dynamic``: a pass body that may also name its external id."""

    read_only = PASS_READ_ONLY

    external_id: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None


JsCallback = Annotated[str, StringConstraints(max_length=255, pattern=r"^[A-Za-z_$][\w$.]*(\(\))?$")]
"""A JavaScript function of the page, by name (``mySuccessFunc`` or ``mySuccessFunc()``)."""


class SaveToWalletBody(DynamicPassBody):
    """``POST /pass/{templateId}/saveToWallet``: a new Google pass, and the functions the button calls
    when the person saved it or did not."""

    tag: TagName | None = None
    on_success: JsCallback | None = None
    on_fail: JsCallback | None = None

    def pass_body(self) -> PassBody:
        """The pass to create (``tag`` joins ``tags``)."""
        values = self.model_dump(exclude={"tag", "on_success", "on_fail", "external_id"}, exclude_unset=True)
        if self.tag is not None:
            values["tags"] = [*(self.tags or []), self.tag]
        return PassBody.model_validate(values)


class SaveToWalletRead(ApiModel):
    """The JSON answer of ``saveToWallet``: the new pass and its save link."""

    pass_id: int
    external_id: str | None = None
    save_url: str
    jwt: str
    class_id: str
    object_id: str


class PassUpdate(PassBody):
    """Only what changes; a field's or header's ``value``, ``label`` and ``changeMessage`` merge into the
    pass's, ``locations`` replace all of the pass's, ``templates`` limits an update by external id."""

    templates: list[Id | RefText] | None = None


class FieldsChange(InputModel):
    """A change to the passes of a tag or a segment: values of fields and headers, as a pass update sends
    them (the reference documents ``fields`` only)."""

    headers: PassValues = Field(default_factory=dict)
    fields: PassValues = Field(default_factory=dict)

    def as_body(self) -> PassBody:
        return PassBody(headers=self.headers, fields=self.fields)


class LocationsAdd(InputModel):
    locations: Annotated[list[LocationIn], Field(min_length=1, max_length=10)]


class DynamicLinkRead(ApiModel):
    url: str = Field(description="Opening it makes the pass (the first time) and answers its .pkpass.")


class TicketRef(ApiModel):
    ticket_id: int


class PassDeleted(ApiModel):
    status: Literal["deleted"] = "deleted"
    pass_id: int


class PublicUrlRead(ApiModel):
    type: str
    path: str
    used: bool = Field(description="Whether the pass was installed (from this link or another way).")
    installs: int = Field(description="How many times the pass was installed, on any device.")


class PassRead(ApiModel):
    id: int
    external_id: str | None = None
    template_id: int
    serial_number: str
    url: str
    public_url: PublicUrlRead
    status: str
    installed_at: UtcDateTime | None = None
    uninstalled_at: UtcDateTime | None = None
    tags: list[str]
    headers: dict[str, Any]
    fields: dict[str, Any]
    pass_fields: dict[str, Any] | None = Field(
        default=None,
        description="On create responses: headers and fields in one map, as the reference prints them.",
    )
    beacons: list[dict[str, Any]] | None = None
    locations: list[dict[str, Any]]
    nfc: dict[str, Any] | None = None
    semantics: dict[str, Any] | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class PassSummary(ApiModel):
    id: int
    external_id: str | None = None
    template_id: int
    serial_number: str
    url: str
    status: str
    installed_at: UtcDateTime | None = None
    uninstalled_at: UtcDateTime | None = None
    platform: Literal["ios", "android"]
    created_at: UtcDateTime
    updated_at: UtcDateTime


class PassList(ApiModel):
    count: int
    passes: list[PassSummary]
    pagination: Pagination


class PassLocationRead(ApiModel):
    pass_location_id: int
    value: dict[str, Any]


class BeaconList(ApiModel):
    beacons: list[dict[str, Any]]


class BeaconsPut(InputModel):
    beacons: Annotated[list[Beacon], Field(max_length=10)]


PASS_ORDERS = ("id", "createdAt", "updatedAt")


def checked_by(parse: Callable[[str], object]) -> AfterValidator:
    """A validator that refuses text ``parse`` refuses and keeps the text as sent."""

    def check(text: str) -> str:
        parse(text)
        return text

    return AfterValidator(check)


def bundle_ids(text: str) -> list[int]:
    """The pass ids of ``?passIds=1,2,3``: 1 to 10 ids (a bundle's most), each a valid id."""
    ids = [parse_id(part.strip()) for part in text.split(",")]
    if not 1 <= len(ids) <= MAX_PASSES_PER_BUNDLE:
        raise PydanticCustomError(
            "invalid_ids", f"name 1 to {MAX_PASSES_PER_BUNDLE} pass ids, separated by commas"
        )
    checked = [number for number in ids if number is not None and number >= 1]
    if len(checked) != len(ids):
        raise PydanticCustomError("invalid_ids", f"each id must be a whole number from 1 to {MAX_ID}")
    return checked


def bundle_external_ids(text: str) -> list[str]:
    """The external ids of ``?exids=a,b,c``: 1 to 10 of them (a bundle's most), none empty."""
    external_ids = [part.strip() for part in text.split(",") if part.strip()]
    if not 1 <= len(external_ids) <= MAX_PASSES_PER_BUNDLE:
        raise PydanticCustomError(
            "invalid_ids", f"name 1 to {MAX_PASSES_PER_BUNDLE} pass external ids, separated by commas"
        )
    return external_ids
