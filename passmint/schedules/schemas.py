"""Wire models of ``/v1/schedules``: snake_case, as this family of the reference spells it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StringConstraints

from passmint.designs import ChangeMessage, bounded_values
from passmint.kit.ids import Id
from passmint.kit.schemas import ApiModel, InputModel
from passmint.kit.time import UtcDateTime
from passmint.models import Schedule

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
MAX_FIELDS = 100
READ_ONLY = frozenset({"url"})
"""Responses carry ``url`` on the schedule; the reference also documents it inside ``schedule`` and
``update``. It is accepted anywhere on input and ignored."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
FieldName = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Scalar = str | int | float


def _text_only(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date and time, e.g. 2017-04-10T18:45:00 or with +08:00")
    return value


IsoTime = Annotated[UtcDateTime, BeforeValidator(_text_only)]
"""An ISO 8601 time as text; without an offset it is UTC."""


class Action(StrEnum):
    UPDATE = "update"
    NOTIFY = "notify"


class SnakeInput(InputModel):
    model_config = ConfigDict(alias_generator=None)
    read_only = READ_ONLY


class FieldChange(InputModel):
    """A field's new value (keys in camelCase, as pass updates spell them)."""

    value: Scalar
    label: Annotated[str, StringConstraints(max_length=2_000)] | None = None
    change_message: ChangeMessage | None = None


class UpdatePass(SnakeInput):
    fields: Annotated[dict[FieldName, FieldChange], AfterValidator(bounded_values)] = Field(
        min_length=1, max_length=MAX_FIELDS
    )


class Notification(SnakeInput):
    label: Annotated[str, StringConstraints(max_length=255)] | None = None
    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]


class NotifyPass(SnakeInput):
    notification: Notification


class UpdateSpec(SnakeInput):
    audience: Any = Field(description="An audience selector: which of the project's passes to change.")
    pass_: UpdatePass = Field(alias="pass")
    template: Id | None = Field(default=None, description="Only passes of this template of the project.")


class NotifySpec(SnakeInput):
    audience: Any = Field(description="An audience selector: which of the project's passes to notify.")
    pass_: NotifyPass = Field(alias="pass")


class ScheduleTime(SnakeInput):
    scheduled_time: IsoTime = Field(
        description="ISO 8601, optionally with an offset (none means UTC); stored and printed in UTC."
    )


class ScheduleBody(SnakeInput):
    """Create and replace take the same body: exactly one of ``update`` and ``notify``."""

    read_only = READ_ONLY | {"ticket"}

    name: Name | None = None
    schedule: ScheduleTime
    update: UpdateSpec | None = None
    notify: NotifySpec | None = None


@dataclass(frozen=True, slots=True)
class ScheduleCursor:
    """Which page of a project's pending schedules: after schedule ``start``, ``limit`` of them."""

    start: uuid.UUID | None = None
    limit: int = DEFAULT_LIMIT
    descending: bool = False

    @property
    def order(self) -> str:
        return "desc" if self.descending else "asc"


class SnakeApi(ApiModel):
    model_config = ConfigDict(alias_generator=None)


class ScheduleTimeRead(SnakeApi):
    scheduled_time: UtcDateTime


class ScheduleRead(SnakeApi):
    url: str
    ticket: str = Field(description="The ticket the run reports on (passes changed or notified).")
    name: str | None = None
    schedule: ScheduleTimeRead
    update: dict[str, Any] | None = None
    notify: dict[str, Any] | None = None

    @classmethod
    def of(cls, schedule: Schedule, base_url: str) -> ScheduleRead:
        spec: dict[str, Any] = {"audience": schedule.audience, "pass": schedule.content}
        if schedule.template_id is not None:
            spec["template"] = schedule.template_id
        return cls(
            url=schedule_url(base_url, schedule),
            ticket=f"{base_url}/v1/ticket/{schedule.ticket_id}",
            name=schedule.name,
            schedule=ScheduleTimeRead(scheduled_time=schedule.scheduled_at),
            update=spec if schedule.action == Action.UPDATE else None,
            notify=spec if schedule.action == Action.NOTIFY else None,
        )


class ScheduleList(SnakeApi):
    ok: bool = True
    count: int = Field(description="Schedules on this page.")
    total_count: int = Field(description="Schedules of the project that have not run yet.")
    next_page: str | None = None
    schedules: list[ScheduleRead]


class ScheduleOperation(SnakeApi):
    """The answer to a create or a replace."""

    ok: bool = True
    operation_id: uuid.UUID
    schedule_urls: list[str]
    schedules: list[ScheduleRead]


def schedule_url(base_url: str, schedule: Schedule) -> str:
    return f"{base_url}/v1/schedules/{schedule.project_id}/{schedule.id}"
