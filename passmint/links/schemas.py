"""Wire models of ``/v1/links/adaptive``: the link as sent and as printed, its lists and its passes."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from passmint.journeys.schemas import MAX_GROUPS, FieldsBody, GroupName
from passmint.kit.ids import Id
from passmint.kit.pagination import Pagination
from passmint.kit.schemas import ApiModel, InputModel
from passmint.kit.time import UtcDateTime
from passmint.passes.schemas import PassBody, PassSummary, PassValue, PassValues
from passmint.templates.schemas import LocationIn

MAX_PASSES = 1_000_000
"""``availablePasses`` when a link does not say (the reference's default)."""
DEFAULT_TTL_DAYS = 730
MAX_EXPIRY_DAYS = 1080
MAX_LOCATIONS = 10_000
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=255)]
LINK_READ_ONLY = frozenset(
    {"adaptiveLinkId", "adaptiveLinkExternalId", "url", "iosUrl", "androidUrl", "isExpired", "createdAt",
     "updatedAt", "projectId", "projectExternalId", "status", "expiry", "doesAllowUrlParameters",
     "isAvailablePassesUnlimited"}
)  # fmt: skip
"""Keys of a printed link a client may send back; they are ignored."""


class Platform(StrEnum):
    IOS = "ios"
    ANDROID = "android"
    WEB = "web"


class LinkPayload(PassBody):
    """What passes made from the link show: a pass body, plus ``sharingStatus`` (Apple passes only)."""

    sharing_status: PassValue | None = None


class LinkBody(InputModel):
    """An adaptive link as created, or (every key optional) as updated."""

    read_only = LINK_READ_ONLY

    ios_template_id: Id | None = None
    android_template_id: Id | None = None
    ios_template_external_id: ExternalId | None = None
    android_template_external_id: ExternalId | None = None
    ios_pass_link_id: uuid.UUID | None = None
    android_pass_link_id: uuid.UUID | None = None
    is_personalized: bool | None = None
    landing_page_url: Annotated[str, StringConstraints(max_length=2048, pattern=r"^https?://\S+$")] | None = (
        None
    )
    expiration_date: date | None = None
    available_passes: Annotated[int, Field(ge=0, le=MAX_PASSES)] | None = None
    ttl_in_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    parameter_encoding: Literal["base64"] | None = None
    location_radius: Annotated[int, Field(ge=0, le=25_000)] | None = None
    max_result_locations: Annotated[int, Field(ge=1, le=MAX_LOCATIONS)] | None = None
    locations: Annotated[list[LocationIn], Field(max_length=MAX_LOCATIONS)] | None = None
    install_limit: Annotated[int, Field(ge=1, le=2**53)] | None = None
    install_limit_per_pass_external_id: Annotated[int, Field(ge=1, le=2**53)] | None = None
    payload: LinkPayload | None = None

    @model_validator(mode="after")
    def _one_way_per_platform(self) -> LinkBody:
        for platform in ("ios", "android"):
            if getattr(self, f"{platform}_template_id") is not None and getattr(
                self, f"{platform}_template_external_id"
            ):
                raise ValueError(f"{platform}TemplateId and {platform}TemplateExternalId: give one, not both")
        return self


class LinkRead(ApiModel):
    """An adaptive link as every link route prints it."""

    adaptive_link_id: str
    adaptive_link_external_id: str | None = None
    url: str
    ios_url: str
    android_url: str
    landing_page_url: str | None = None
    is_personalized: bool
    is_expired: bool
    expiration_date: date | None = None
    expiry: date
    available_passes: int
    is_available_passes_unlimited: bool = False
    does_allow_url_parameters: bool = True
    ttl_in_days: int
    parameter_encoding: str | None = None
    location_radius: int | None = None
    max_result_locations: int | None = None
    install_limit: int | None = None
    install_limit_per_pass_external_id: int | None = None
    ios_template_id: int | None = None
    ios_template_external_id: str | None = None
    android_template_id: int | None = None
    android_template_external_id: str | None = None
    ios_pass_link_id: uuid.UUID | None = None
    android_pass_link_id: uuid.UUID | None = None
    project_id: int
    project_external_id: str | None = None
    payload: dict[str, Any]
    locations: list[dict[str, Any]] | None = None
    status: int = 200
    created_at: UtcDateTime
    updated_at: UtcDateTime


class LinkList(ApiModel):
    links: list[LinkRead]


class LinkPage(ApiModel):
    links: list[LinkRead]
    next_page_token: str | None = None


class LinkDeleted(ApiModel):
    """``DELETE`` answers an empty object."""


class LinkPassList(ApiModel):
    count: int
    passes: list[PassSummary]
    pagination: Pagination


class LinkPass(ApiModel):
    id: int
    template_id: int
    serial_number: str
    external_id: str | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class LinkPasses(ApiModel):
    passes: list[LinkPass]


class TicketId(ApiModel):
    id: int


class TicketList(ApiModel):
    tickets: list[TicketId]


class Holder(InputModel):
    """A passenger of a flight or an attendee of an event: their link's external id and their own fields
    (seat, confirmation code, name, barcode...), over the payload's."""

    adaptive_link_external_id: ExternalId | None = None
    fields: PassValues = Field(default_factory=dict)


MAX_HOLDERS = 1000


class JourneyItem(InputModel):
    """A flight or an event of a multiple link: an existing one by id or external id, or the fields of
    a new one (named by the external id when one is given)."""

    pass_groups: Annotated[list[GroupName], Field(max_length=MAX_GROUPS)] | None = None
    fields: FieldsBody | None = None


class FlightItem(JourneyItem):
    flight_id: Id | None = None
    flight_external_id: ExternalId | None = None
    passengers: Annotated[list[Holder], Field(min_length=1, max_length=MAX_HOLDERS)]


class EventItem(JourneyItem):
    event_id: Id | None = None
    event_external_id: ExternalId | None = None
    attendees: Annotated[list[Holder], Field(min_length=1, max_length=MAX_HOLDERS)]


class MultiplePayload(LinkPayload):
    """What every pass of a multiple link shows, and its flights or events with their people."""

    flights: Annotated[list[FlightItem], Field(max_length=MAX_HOLDERS)] | None = None
    events: Annotated[list[EventItem], Field(max_length=MAX_HOLDERS)] | None = None
    is_flight_update_permitted: bool = True
    is_event_ticket_update_permitted: bool = True

    @model_validator(mode="after")
    def _some_journey(self) -> MultiplePayload:
        if not self.flights and not self.events:
            raise ValueError("flights or events: give at least one flight or event")
        return self


class MultipleBody(LinkBody):
    """``POST /links/adaptive/multiple/project/{projectId}``: a link's settings, and its people."""

    payload: MultiplePayload

    @model_validator(mode="after")
    def _no_pass_links(self) -> MultipleBody:
        if self.ios_pass_link_id is not None or self.android_pass_link_id is not None:
            raise ValueError("iosPassLinkId and androidPassLinkId cannot be given to a multiple link")
        return self


class MultipleLinkRead(LinkRead):
    """A passenger's or attendee's link, with the flight or event its passes show."""

    flight_id: int | None = None
    flight_external_id: str | None = None
    event_id: int | None = None
    event_external_id: str | None = None


class MultipleLinks(ApiModel):
    links: list[MultipleLinkRead]
