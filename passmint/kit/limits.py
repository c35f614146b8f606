"""The one bound on the texts of passes and templates, and the Pydantic types that apply it.

Neither Apple nor Google caps the length of a field's label, value or change message (Google only
recommends 35 characters for a text module's header and 500 for its body, for small screens), so the
bound is a generous one: long terms and conditions on the back of a pass fit, a 200 MB "value" does not.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

MAX_TEXT = 10_000
"""The most characters any text of a pass or template may have: labels, values, change messages,
relevant texts, semantic tags. Image headers take URLs instead, bounded by the image's size."""


def too_long() -> PydanticCustomError:
    return PydanticCustomError(
        "string_too_long", "String should have at most {max_length} characters", {"max_length": MAX_TEXT}
    )


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise too_long()
    return value


def _long_strings(tree: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Where in a JSON tree a string is longer than ``MAX_TEXT`` (keys count as strings too)."""
    if isinstance(tree, str):
        return [path] if len(tree) > MAX_TEXT else []
    if isinstance(tree, Mapping):
        found = []
        for key, value in tree.items():
            where = (*path, str(key)[:64])
            found += [where] if len(str(key)) > MAX_TEXT else _long_strings(value, where)
        return found
    if isinstance(tree, list):
        return [where for index, item in enumerate(tree) for where in _long_strings(item, (*path, index))]
    return []


def fail_at(title: str, paths: Collection[tuple[str | int, ...]]) -> None:
    """Raise a validation error naming each path (relative to the value being validated) as too long."""
    if paths:
        errors = [InitErrorDetails(type=too_long(), loc=path, input=None) for path in paths]
        raise ValidationError.from_exception_data(title, errors)


def _short_strings(tree: Any) -> Any:
    fail_at("json", _long_strings(tree))
    return tree


Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
"""A text of a pass or template."""
BoundedScalar = Annotated[str | int | float, AfterValidator(_short)]
"""A field's value: a number, or a text of at most ``MAX_TEXT`` characters."""
BoundedJson = Annotated[dict[str, Any], AfterValidator(_short_strings)]
"""Free-form JSON (semantic tags) whose every string is a text of at most ``MAX_TEXT`` characters."""
