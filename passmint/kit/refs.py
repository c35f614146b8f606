"""References to objects by internal id or by external id (the ``/id/{externalId}`` path forms)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic_core import PydanticCustomError

from passmint.kit.ids import MAX_ID, parse_id

REF_PATTERN = r"[0-9]+|id/[^/]+"
"""What one reference path slot matches: ``12345`` or ``id/{externalId}``."""


@dataclass(frozen=True, slots=True)
class Ref:
    """An object named by its numeric ``id`` or by the ``external_id`` its owner gave it."""

    id: int | None = None
    external_id: str | None = None

    @classmethod
    def parse(cls, raw: str) -> Ref:
        """Read ``"12345"`` or ``"id/myExternalId"``; ``ValueError`` for anything else, or an id
        larger than any stored id can be (``MAX_ID``)."""
        if raw.startswith("id/") and len(raw) > len("id/"):
            return cls(external_id=raw.removeprefix("id/"))
        number = parse_id(raw)
        if number is None:
            raise ValueError(f"must be a numeric id from 0 to {MAX_ID}, or id/ followed by an external id")
        return cls(id=number)

    def __str__(self) -> str:
        return f"id/{self.external_id}" if self.external_id is not None else str(self.id)


@dataclass(frozen=True)
class PassLocator:
    """A pass named by its id, by its template and external id, or by its external id alone."""

    pass_id: int | None = None
    template: Ref | None = None
    external_id: str | None = None

    def __str__(self) -> str:
        if self.pass_id is not None:
            return str(self.pass_id)
        return f"id/{self.external_id}" + (f" of template {self.template}" if self.template else "")


def checked_ref(raw: str) -> str:
    """``raw`` if it reads as a ``Ref`` (for a pydantic ``AfterValidator``); a validation error otherwise."""
    try:
        Ref.parse(raw)
    except ValueError as error:
        raise PydanticCustomError("invalid_ref", str(error)) from None
    return raw
