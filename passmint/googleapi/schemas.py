"""Wire models of the Google messages API (``/v1/pass/.../message``, "Google Passes Only")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints

from passmint.kit.schemas import ApiModel, InputModel
from passmint.kit.time import UtcDateTime
from passmint.models import GoogleMessage

Text = Annotated[str, StringConstraints(max_length=2000)]


def _date_or_string(value: Any) -> Any:
    """A time as the reference's examples send it (a string) or as its schema does (``{"date": ...}``)."""
    if isinstance(value, dict) and set(value) == {"date"}:
        return value["date"]
    return value


When = Annotated[datetime, BeforeValidator(_date_or_string)]


class MessageBody(InputModel):
    """One message for a Google pass."""

    header: Text | None = None
    body: Text | None = None
    message_type: Literal["text", "expirationNotification"] = "text"
    start_time: When | None = Field(default=None, description="When the message starts showing.")
    end_time: When | None = Field(default=None, description="When it stops showing (never, if unset).")


class MessageRead(ApiModel):
    header: str | None = None
    body: str | None = None
    message_type: str
    start_time: UtcDateTime | None = None
    end_time: UtcDateTime | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @classmethod
    def of(cls, message: GoogleMessage) -> MessageRead:
        return cls(
            header=message.header,
            body=message.body,
            message_type=message.message_type,
            start_time=message.start_at,
            end_time=message.end_at,
            created_at=message.created_at,
            updated_at=message.updated_at,
        )


class MessageList(ApiModel):
    messages: list[MessageRead]
