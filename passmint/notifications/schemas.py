"""Wire models of the notify endpoints: the reference's Pass Notification Request."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from passmint.kit.schemas import InputModel

MAX_LABEL = 255
MAX_VALUE = 2000


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class NotificationBody(InputModel):
    """What to show: ``value`` on the back of the pass (and on the lock screen), under ``label``."""

    label: Annotated[str, StringConstraints(max_length=MAX_LABEL)] | None = Field(
        default=None, description="The heading of the message on the back of the pass."
    )
    value: Annotated[
        str, StringConstraints(min_length=1, max_length=MAX_VALUE), AfterValidator(_not_blank)
    ] = Field(description="The message; the lock screen shows it when it differs from the previous one.")

    def stored(self) -> dict[str, Any]:
        """The notification as kept in a pass's values: ``value``, and ``label`` when one is given."""
        stored: dict[str, Any] = {"value": self.value}
        if self.label is not None and self.label.strip():
            stored["label"] = self.label
        return stored
