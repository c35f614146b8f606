"""Pydantic bases for the wire: camelCase responses without nulls, strict request bodies."""

from __future__ import annotations

import math
import re
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
from pydantic_core import PydanticCustomError

_UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")
NUL_MESSAGE = "must not contain the NUL character (\\u0000)"
SURROGATE_MESSAGE = "must be valid Unicode text: a lone surrogate such as \\ud800 cannot be stored"
NOT_FINITE_MESSAGE = "must be a finite number: NaN and Infinity cannot be stored"


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored (PostgreSQL refuses NUL in text and JSON; neither database
    takes a lone surrogate), or None when it can."""
    found = _UNSTORABLE_TEXT.search(text)
    if found is None:
        return None
    return NUL_MESSAGE if found.group() == "\x00" else SURROGATE_MESSAGE


def unstorable(value: Any) -> tuple[str, str] | None:
    """The first place in a JSON-like ``value`` (keys included) no database can store, as
    ``(path, problem)`` with ``path`` like ``Coupon.value`` or ``tags[2]`` (empty for ``value``
    itself); None when every part can be stored."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
        elif isinstance(item, float):
            problem = None if math.isfinite(item) else NOT_FINITE_MESSAGE
        elif isinstance(item, dict):
            for key, inner in item.items():
                key_problem = text_problem(key) if isinstance(key, str) else None
                if key_problem is not None:
                    return path or "(keys)", f"a key {key_problem}"
                stack.append((f"{path}.{key}" if path else str(key), inner))
            continue
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}[{index}]", inner) for index, inner in enumerate(item))
            continue
        else:
            continue
        if problem is not None:
            return path, problem
    return None


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

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        """Every string and number of every field, however deep, is one the databases can store."""
        found = unstorable(value)
        if found is not None:
            path, problem = found
            message = f"{path}: {problem}" if path else problem
            raise PydanticCustomError("unstorable_value", "{message}", {"message": message})
        return value

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
