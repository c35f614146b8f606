"""Wire models of ``/v1/flights/project/...`` and ``/v1/events/project/...``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from passmint.kit.limits import BoundedJson
from passmint.kit.schemas import ApiModel, InputModel

GroupName = Annotated[str, StringConstraints(min_length=1, max_length=255)]
MAX_GROUPS = 100


class FieldBody(InputModel):
    """One field of a flight or an event: ``value`` (text), an optional ``label`` and, Apple only,
    field-level ``semantics`` (added to the journey's tags)."""

    label: Annotated[str, StringConstraints(max_length=1000)] | None = None
    value: Annotated[str, StringConstraints(max_length=2000)] | int | float | None = None
    semantics: BoundedJson | None = None


class FieldsBody(BaseModel):
    """Field name to field; ``semantics`` holds the journey's Apple semantic tags."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, FieldBody] = Field(init=False)

    semantics: BoundedJson | None = None


class JourneyBody(InputModel):
    """A flight or an event to create, or the part of one to change (fields left out stay unchanged;
    ``passGroups`` replaces the journey's groups when sent)."""

    pass_groups: Annotated[list[GroupName], Field(max_length=MAX_GROUPS)] | None = None
    fields: FieldsBody | None = None


class GroupChange(InputModel):
    """The fields to change on every journey of a pass group."""

    fields: FieldsBody


class GroupsBody(InputModel):
    pass_groups: Annotated[list[GroupName], Field(min_length=1, max_length=MAX_GROUPS)]


class FlightRead(ApiModel):
    flight_id: int
    flight_external_id: str | None = None
    project_id: int
    project_external_id: str | None = None
    created_at: datetime
    updated_at: datetime
    pass_groups: list[str]
    fields: dict[str, Any]


class EventRead(ApiModel):
    event_id: int
    event_external_id: str | None = None
    project_id: int
    project_external_id: str | None = None
    created_at: datetime
    updated_at: datetime
    pass_groups: list[str]
    fields: dict[str, Any]


class FlightGroups(ApiModel):
    flight_id: int
    flight_external_id: str | None = None
    pass_groups: list[str]


class EventGroups(ApiModel):
    """``eventId`` as the schema names it, and ``eventTicketId`` as the examples do."""

    event_id: int
    event_ticket_id: int
    event_external_id: str | None = None
    pass_groups: list[str]


class FlightItem(ApiModel):
    flight_id: int


class EventItem(ApiModel):
    event_ticket_id: int


class FlightGroupUpdate(ApiModel):
    group_name: str
    flights: list[FlightItem]


class EventGroupUpdate(ApiModel):
    group_name: str
    events: list[EventItem]


class Deleted(ApiModel):
    ok: bool
