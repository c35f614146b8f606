"""References to objects by internal id or by external id (the ``/id/{externalId}`` path forms)."""

from __future__ import annotations

from dataclasses import dataclass

REF_PATTERN = r"\d+|id/[^/]+"
"""What one reference path slot matches: ``12345`` or ``id/{externalId}``."""


@dataclass(frozen=True, slots=True)
class Ref:
    """An object named by its numeric ``id`` or by the ``external_id`` its owner gave it."""

    id: int | None = None
    external_id: str | None = None

    @classmethod
    def parse(cls, raw: str) -> Ref:
        """Read ``"12345"`` or ``"id/myExternalId"``."""
        if raw.startswith("id/"):
            return cls(external_id=raw.removeprefix("id/"))
        return cls(id=int(raw))

    def __str__(self) -> str:
        return f"id/{self.external_id}" if self.external_id is not None else str(self.id)
