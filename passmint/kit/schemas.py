"""Pydantic bases for the wire: camelCase responses without nulls, strict request bodies."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """A response body: camelCase keys, and a key whose value is unset is left out."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, from_attributes=True)

    # No return annotation, on purpose: pydantic then documents a response as the model's fields. With
    # one (``-> Any``) every response body in /openapi.json was an empty schema that accepts anything.
    @model_serializer(mode="wrap")
    def _omit_none(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        data = handler(self)
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data


class InputModel(BaseModel):
    """A request body: unknown keys are refused by name, except the read-only ones a client echoes back.

    Clients often send back what a GET returned; keys listed in ``read_only`` are accepted and ignored
    so that works, while any other unknown key is an error rather than silently dropped.
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")
    read_only: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _drop_read_only(cls, data: Any) -> Any:
        if isinstance(data, dict) and cls.read_only:
            return {key: value for key, value in data.items() if key not in cls.read_only}
        return data


class PatchModel(InputModel):
    """A partial update: a key left out stays unchanged; ``null`` is refused unless listed as nullable."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("may be left out, but not set to null")
        return value

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, by Python name."""
        return self.model_dump(exclude_unset=True)
