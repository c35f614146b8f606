"""Wire models of the Segments API, in the reference's snake_case (``display_name``, ``creation_date``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints

from passmint.kit.schemas import ApiModel, InputModel


class SegmentBody(InputModel):
    """A segment as created or changed: its criteria (a tag selector) and its name."""

    model_config = ConfigDict(alias_generator=None, populate_by_name=True, extra="forbid")

    criteria: Any = Field(
        default=None,
        description='Boolean tag selector: {"tag": ...} atoms under "and", "or", "not", nested.',
    )
    display_name: Annotated[str, StringConstraints(max_length=255)] | None = None


class SegmentSummary(ApiModel):
    model_config = ConfigDict(alias_generator=None, populate_by_name=True, from_attributes=True)

    id: uuid.UUID
    display_name: str | None = None
    creation_date: datetime
    modification_date: datetime


class SegmentList(ApiModel):
    segments: list[SegmentSummary]


class SegmentRead(ApiModel):
    model_config = ConfigDict(alias_generator=None, populate_by_name=True, from_attributes=True)

    criteria: Any
    display_name: str | None = None


class SegmentSaved(ApiModel):
    ok: bool = True
    segment_id: uuid.UUID
    operation_id: uuid.UUID = Field(default_factory=uuid.uuid4, description="New per request, for logs.")
