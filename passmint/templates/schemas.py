"""Wire models of ``/v1/template`` (v1 format) and ``/v1/templates`` (the POST/PUT payload format)."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from passmint.designs import HeaderPatches, HeaderValues, LooseBool, VendorName
from passmint.kit.ids import is_ascii_digits
from passmint.kit.limits import BoundedJson, Text
from passmint.kit.pagination import Pagination
from passmint.kit.schemas import ApiModel, InputModel
from passmint.kit.time import UtcDateTime
from passmint.projects.schemas import ProjectType, TemplateHeaderRead
from passmint.wallets import format_of

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
DEFAULT_EXPIRY_DAYS = 730


def _int_string(value: Any) -> Any:
    return int(value) if isinstance(value, str) and is_ascii_digits(value.strip()) else value


IntLike = Annotated[int, BeforeValidator(_int_string)]


class ExpiryInfo(InputModel):
    """One of: days after creation; a date at midnight in a time zone; never."""

    expiry_duration: Annotated[int, Field(ge=1, le=36_500)] | None = None
    expiry_date: date | datetime | None = None
    expiry_time_zone: str | None = None
    expire_never: Any = None
    expiry_never: Any = None

    @field_validator("expiry_time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and value not in zoneinfo.available_timezones():
            raise ValueError("must be an IANA time zone such as Europe/Paris")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> ExpiryInfo:
        kinds = [self.expiry_duration is not None, self.expiry_date is not None, self.never]
        if sum(kinds) > 1:
            raise ValueError("give one of expiryDuration, expiryDate (with expiryTimeZone) or expireNever")
        if self.expiry_date is not None and self.expiry_time_zone is None:
            raise ValueError("expiryDate needs expiryTimeZone")
        return self

    @property
    def never(self) -> bool:
        """``expireNever`` with any value (the schema: "any string value (or null)"); ``expiryNever`` with a
        value (the GET example prints ``"expiryNever": null`` beside an ``expiryDuration``: not set)."""
        return "expire_never" in self.model_fields_set or self.expiry_never is not None

    def stored(self) -> dict[str, Any]:
        if self.expiry_date is not None:
            return {"expiryDate": self.expiry_date.isoformat(), "expiryTimeZone": self.expiry_time_zone}
        if self.never:
            return {"expireNever": True}
        return {"expiryDuration": self.expiry_duration or DEFAULT_EXPIRY_DAYS}


class Beacon(InputModel):
    """An iBeacon; ``major`` and ``minor`` are optional, as in Apple's pass format (and an example)."""

    uuid: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")]
    major: Annotated[int, Field(ge=0, le=65535)] | None = None
    minor: Annotated[int, Field(ge=0, le=65535)] | None = None
    relevant_text: Text | None = None


class LocationIn(InputModel):
    read_only = frozenset({"locationId", "id", "fieldId"})

    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]
    altitude: float | None = None
    relevant_text: Text | None = None
    street_address1: Text | None = None
    street_address2: Text | None = None
    city: Text | None = None
    region: Text | None = None
    region_code: Text | None = None
    country: Text | None = None


TEMPLATE_READ_ONLY = frozenset(
    {
        "id",
        "templateId",
        "createdAt",
        "updatedAt",
        "projectName",
        "externalId",
        "fieldsModel",
        "templateHeader",
    }
)
Module = dict[str, Any]


class TemplateBody(InputModel):
    """A whole template, v1 (Google fields in modules) or v2 (every field carrying its ``fieldType``)."""

    read_only = TEMPLATE_READ_ONLY

    name: Name
    description: Annotated[str, StringConstraints(max_length=10_000)] = ""
    vendor: VendorName
    vendor_id: IntLike | None = None
    project_type: ProjectType | None = None
    project_id: IntLike | None = None
    type: Annotated[str, StringConstraints(max_length=64)] | None = None
    deleted: LooseBool = False
    disabled: LooseBool = False
    expiry_info: ExpiryInfo | None = None
    expiry_duration: Annotated[int, Field(ge=1, le=36_500)] | None = None
    headers: HeaderValues = Field(default_factory=dict)
    fields: dict[str, dict[str, Any]] = Field(default_factory=dict)
    beacons: Annotated[list[Beacon], Field(max_length=10)] | None = None
    locations: list[LocationIn] | None = None
    semantics: BoundedJson | None = None
    title_module: Module | None = None
    info_module_data: Module | None = None
    text_modules_data: Module | None = None
    links_module_data: Module | None = None
    link_modules_data: Module | None = None
    points_module: Module | None = None
    loyalty_points: Module | None = None
    acct_module: Module | None = None
    image_modules_data: Module | None = None
    message_module: Module | None = None
    offer_module: Module | None = None
    not_assigned: Module | None = None

    @field_validator("vendor_id")
    @classmethod
    def _vendor_id_matches(cls, vendor_id: int | None, info: ValidationInfo) -> int | None:
        vendor = info.data.get("vendor")
        if vendor is not None and vendor_id is not None and vendor_id != format_of(vendor).vendor_id:
            expected = format_of(vendor).vendor_id
            raise ValueError(f"{vendor_id} does not match vendor {vendor.value} ({expected})")
        return vendor_id

    def expiry(self) -> dict[str, Any]:
        if self.expiry_info is not None:
            return self.expiry_info.stored()
        return {"expiryDuration": self.expiry_duration or DEFAULT_EXPIRY_DAYS}

    def modules(self) -> dict[str, Module]:
        """The Google modules sent (v1 format), by the reference's module names."""
        sent = self.model_dump(by_alias=True, exclude_none=True, include=MODULE_FIELDS)
        return {name: module for name, module in sent.items() if isinstance(module, dict)}


MODULE_FIELDS = {
    "title_module", "info_module_data", "text_modules_data", "links_module_data", "link_modules_data",
    "points_module", "loyalty_points", "acct_module", "image_modules_data", "message_module", "offer_module",
    "not_assigned",
}  # fmt: skip


class TemplatePatch(InputModel):
    """The v2 PATCH "overrides object": only what changes. A header or field sent replaces the stored
    one whole; ``null`` removes it."""

    read_only = TEMPLATE_READ_ONLY

    name: Name | None = None
    description: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    type: Annotated[str, StringConstraints(max_length=64)] | None = None
    disabled: LooseBool | None = None
    expiry_info: ExpiryInfo | None = None
    headers: HeaderPatches | None = None
    fields: dict[str, dict[str, Any] | None] | None = None
    beacons: Annotated[list[Beacon], Field(max_length=10)] | None = None
    locations: list[LocationIn] | None = None
    vendor: VendorName | None = None
    vendor_id: IntLike | None = None
    project_type: ProjectType | None = None
    project_id: IntLike | None = None
    deleted: LooseBool | None = None


class LocationsAdd(InputModel):
    locations: Annotated[list[LocationIn], Field(min_length=1, max_length=10_000)]

    @model_validator(mode="before")
    @classmethod
    def _schema_spelling(cls, data: Any) -> Any:
        """The reference's schema spells the key ``Locations``; its example ``locations``."""
        if isinstance(data, dict) and "Locations" in data and "locations" not in data:
            return {"locations": data["Locations"], **{k: v for k, v in data.items() if k != "Locations"}}
        return data


PersonalizationField = Literal["name", "postalCode", "emailAddress", "phoneNumber"]


class Personalization(InputModel):
    """What a personalizable (loyalty sign-up) pass asks for before it is installed."""

    required_personalization_fields: Annotated[list[PersonalizationField], Field(min_length=1, max_length=4)]
    description: Annotated[str, StringConstraints(min_length=1, max_length=1_000)]
    terms_and_conditions: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    image_url: Annotated[str, StringConstraints(max_length=2_000_000)] | None = None


class PersonalizationRead(ApiModel):
    required_personalization_fields: list[str]
    description: str
    terms_and_conditions: str | None = None
    image_url: str | None = None


class TemplateId(ApiModel):
    template_id: int


class TemplateDeleted(ApiModel):
    status: Literal["Deleted"] = "Deleted"
    template_id: int = Field(serialization_alias="TemplateID")


class FieldsModel(ApiModel):
    headers: dict[str, Any]
    fields: dict[str, Any]


class TemplateRead(ApiModel):
    """``GET /v1/template/{id}``."""

    fields_model: FieldsModel
    template_header: TemplateHeaderRead


class TemplateDocument(ApiModel):
    """``GET /v1/templates/{id}``: the POST/PUT payload format, round-trippable."""

    id: int
    external_id: str | None = None
    project_id: int
    project_type: str
    name: str
    description: str
    vendor: str
    vendor_id: int
    type: str | None = None
    deleted: bool = False
    disabled: bool
    expiry_info: dict[str, Any]
    headers: dict[str, Any]
    fields: dict[str, Any]
    beacons: list[dict[str, Any]] | None = None
    locations: list[dict[str, Any]]
    created_at: UtcDateTime
    updated_at: UtcDateTime


class TemplateHeaderList(ApiModel):
    count: int
    template_headers: list[TemplateHeaderRead]
    pagination: Pagination


class LocationRead(ApiModel):
    location_id: int
    value: dict[str, Any]
    field_id: int


TEMPLATE_ORDERS = ("id", "name", "createdAt", "updatedAt")
