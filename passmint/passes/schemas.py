"""Wire models of ``/v1/pass``: create and update bodies, the pass as printed, summaries and lists."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from passmint.kit.pagination import Pagination
from passmint.kit.refs import REF_PATTERN
from passmint.kit.schemas import ApiModel, InputModel
from passmint.kit.time import UtcDateTime
from passmint.templates.designs import ChangeMessage
from passmint.templates.schemas import Beacon, LocationIn

Scalar = str | int | float
MAX_TAGS = 15
TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
TemplateRefText = Annotated[str, StringConstraints(pattern=f"^(?:{REF_PATTERN})$")]
"""A template named in a body as in a path: ``"12345"`` or ``"id/{externalId}"``."""
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

    templates: list[Annotated[int, Field(ge=1)] | TemplateRefText] | None = None


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
