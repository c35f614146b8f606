"""Wire models of ``/v1/pass``: create and update bodies, the pass as printed, summaries and lists."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from passmint.apple.pkpass import MAX_PASSES_PER_BUNDLE
from passmint.kit.ids import MAX_ID, Id, parse_id
from passmint.kit.pagination import Pagination
from passmint.kit.refs import checked_ref
from passmint.kit.schemas import ApiModel, InputModel
from passmint.kit.time import UtcDateTime
from passmint.templates.designs import ChangeMessage
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


class PassValue(InputModel):
    """What a pass may set on one of its template's fields or headers."""

    value: Scalar | None = None
    label: str | None = None
    change_message: ChangeMessage | None = None
    semantics: dict[str, Any] | None = None


class Nfc(InputModel):
    message: Annotated[str, StringConstraints(min_length=1)]
    encryption_public_key: str
    requires_authentication: bool | None = None


class PublicUrl(InputModel):
    read_only = frozenset({"path", "installs", "used"})

    type: Annotated[Literal["single", "multiple"], StringConstraints(to_lower=True)] = "multiple"


class PassBody(InputModel):
    """A new pass: values over its template's, beacons, locations, NFC, semantics and tags."""

    read_only = PASS_READ_ONLY

    headers: dict[str, PassValue] = Field(default_factory=dict)
    fields: dict[str, PassValue] = Field(default_factory=dict)
    beacons: Annotated[list[Beacon], Field(max_length=10)] | None = None
    locations: list[LocationIn] | None = None
    nfc: Nfc | None = None
    semantics: dict[str, Any] | None = None
    tags: Annotated[list[TagName], Field(max_length=MAX_TAGS)] | None = None
    public_url: PublicUrl | None = None


class DynamicPassBody(PassBody):
    """``POST /pass/{templateId}/dynamic``: a pass body that may also name its external id."""

    external_id: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None


class PassUpdate(PassBody):
    """Only what changes; a field's or header's ``value``, ``label`` and ``changeMessage`` merge into the
    pass's, ``locations`` replace all of the pass's, ``templates`` limits an update by external id."""

    templates: list[Id | RefText] | None = None


class LocationsAdd(InputModel):
    locations: Annotated[list[LocationIn], Field(min_length=1, max_length=10)]


class TicketRef(ApiModel):
    ticket_id: int


class PassDeleted(ApiModel):
    status: Literal["deleted"] = "deleted"
    pass_id: int


class PublicUrlRead(ApiModel):
    type: str
    path: str


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
