"""Wire models of ``/v1/ticket``."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, computed_field

from passmint.kit.schemas import ApiModel
from passmint.kit.time import UtcDateTime


class TicketStatus(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class TicketRead(ApiModel):
    """A ticket as the reference prints it (``ID``, ``Status``), plus progress counts."""

    id: int = Field(serialization_alias="ID")
    status: TicketStatus
    operation: str
    total: int
    done: int
    failed: int
    error: str | None = None
    children: dict[str, Any]
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @computed_field(alias="Status")  # type: ignore[prop-decorator]
    @property
    def status_as_printed(self) -> TicketStatus:
        """The reference's example spells the key ``Status``; its schema ``status``. Both are sent."""
        return self.status
