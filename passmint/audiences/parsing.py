"""Reading the reference's audience selector from the wire into an ``Audience``.

Accepted: ``"all"``; an object with one key, either an atom (``tag``, ``segment``, ``templateId``,
``passId``, ``externalId``; a value or an array of values, the array meaning any of them) or an
operator (``AND`` and ``OR`` take a non-empty array, ``NOT`` an object or a one-element array; any
case). ``templateId`` and ``passId`` take numbers or strings of digits. An ``externalId`` must sit
under an ``AND`` that also holds a ``templateId`` atom, since external ids are unique per template
only. Anything else is an ``AudienceInvalid`` naming the exact path of the offending part, such as
``audience.AND[1].tag``.

``parse_criteria`` reads a segment's criteria: the same operators over ``tag`` atoms only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from passmint.audiences.errors import AudienceInvalid
from passmint.audiences.tree import (
    ALL,
    AllOf,
    AnyOf,
    Audience,
    Everyone,
    ExternalIds,
    Not,
    PassIds,
    Segments,
    Tags,
    TemplateIds,
)
from passmint.kit.ids import MAX_ID

MAX_DEPTH = 16
"""Operators nested deeper than this are refused."""
MAX_VALUES = 1000
"""Atom values (tags, ids...) in one selector, all atoms together."""
MAX_TEXT = 255
OPERATORS = {"and": "AND", "or": "OR", "not": "NOT"}
_DIGITS = re.compile(r"[0-9]+")
SELECTOR_HINT = 'a selector object such as {"tag": "vip"}, or "all"'
KEYS_HINT = "tag, segment, templateId, passId, externalId, or AND, OR, NOT"
CRITERIA_HINT = "tag, or and, or, not"
ATOMS = frozenset({"tag", "segment", "templateId", "passId", "externalId"})
T = TypeVar("T")


def parse(value: object, *, field: str = "audience", location: str = "body") -> Audience:
    """The audience ``value`` selects; ``field`` is where it sits in the request (errors name paths
    under it). A ``segment`` atom is kept as such: ``resolving.resolve`` replaces it by its criteria."""
    return _Reader(location).read(value, field, depth=0, templated=False)


def parse_criteria(value: object, *, field: str = "criteria") -> Audience:
    """A segment's criteria: ``and``/``or``/``not`` (any case) of ``tag`` atoms, nested; not ``"all"``."""
    if isinstance(value, str):
        raise AudienceInvalid(
            f'Invalid request. {field}: must be a selector object of tags such as {{"tag": "vip"}}',
            details=[{"field": field, "location": "body", "message": "must be a selector object of tags"}],
        )
    return _Reader("body", atoms=frozenset({"tag"}), hint=CRITERIA_HINT).read(
        value, field, depth=0, templated=False
    )


class _Reader:
    def __init__(self, location: str, *, atoms: frozenset[str] = ATOMS, hint: str = KEYS_HINT) -> None:
        self.location = location
        self.values = 0
        self.atoms = atoms
        self.hint = hint

    def error(self, path: str, message: str) -> AudienceInvalid:
        return AudienceInvalid(
            f"Invalid request. {path}: {message}",
            details=[{"field": path, "location": self.location, "message": message}],
        )

    def read(self, value: object, path: str, *, depth: int, templated: bool) -> Audience:
        """``templated``: an enclosing AND holds a templateId atom, so an externalId may appear."""
        if depth > MAX_DEPTH:
            raise self.error(path, f"nests operators deeper than {MAX_DEPTH} levels")
        if isinstance(value, str):
            if value.strip().lower() == ALL and self.atoms == ATOMS:
                return Everyone()
            raise self.error(path, f"must be {SELECTOR_HINT}")
        if not isinstance(value, dict):  # a selector is an object
            raise self.error(path, f"must be {SELECTOR_HINT}")
        if len(value) != 1:
            raise self.error(path, _key_count_message(value))
        ((key, raw),) = value.items()
        operator = OPERATORS.get(str(key).lower())
        if operator == "NOT":
            return self.negation(raw, f"{path}.{key}", depth=depth, templated=templated)
        if operator is not None:
            return self.compound(operator, raw, f"{path}.{key}", depth=depth, templated=templated)
        return self.atom(key, raw, f"{path}.{key}", templated=templated)

    def compound(self, operator: str, raw: object, path: str, *, depth: int, templated: bool) -> Audience:
        if not isinstance(raw, list) or not raw:
            raise self.error(path, "must be a non-empty array of selectors")
        if operator == "AND":
            templated = templated or any(_is_template_atom(part) for part in raw)
        parts = tuple(
            self.read(part, f"{path}[{index}]", depth=depth + 1, templated=templated)
            for index, part in enumerate(raw)
        )
        return AllOf(parts) if operator == "AND" else AnyOf(parts)

    def negation(self, raw: object, path: str, *, depth: int, templated: bool) -> Audience:
        if isinstance(raw, list):
            if len(raw) != 1:
                raise self.error(path, "must be one selector object (or an array of exactly one)")
            raw, path = raw[0], f"{path}[0]"
        return Not(self.read(raw, path, depth=depth + 1, templated=templated))

    def atom(self, key: str, raw: object, path: str, *, templated: bool) -> Audience:
        if key not in self.atoms:
            raise self.error(path, f"is not a selector; use {self.hint}")
        if key == "tag":
            return Tags(self.many(raw, path, lambda item, at: self.text(item, at, strip=True)))
        if key == "segment":
            return Segments(self.many(raw, path, lambda item, at: self.text(item, at, strip=True)))
        if key == "templateId":
            return TemplateIds(self.many(raw, path, self.number))
        if key == "passId":
            return PassIds(self.many(raw, path, self.number))
        if key == "externalId":
            if not templated:
                raise self.error(
                    path,
                    "must be combined by AND with a templateId (external ids are unique per template), "
                    'e.g. {"AND": [{"externalId": "abc"}, {"templateId": 12}]}',
                )
            return ExternalIds(self.many(raw, path, lambda item, at: self.text(item, at, strip=False)))
        raise self.error(path, f"is not a selector; use {KEYS_HINT}")

    def many(self, raw: object, path: str, read_one: Callable[[object, str], T]) -> tuple[T, ...]:
        """One value, or an array of them (any of them); repeated values are kept once."""
        if isinstance(raw, list):
            if not raw:
                raise self.error(path, "must be a value or a non-empty array of values")
            read = [read_one(item, f"{path}[{index}]") for index, item in enumerate(raw)]
        else:
            read = [read_one(raw, path)]
        self.values += len(read)
        if self.values > MAX_VALUES:
            raise self.error(path, f"the selector names more than {MAX_VALUES} values in all")
        return tuple(dict.fromkeys(read))

    def text(self, item: object, path: str, *, strip: bool) -> str:
        if not isinstance(item, str):
            raise self.error(path, "must be a string (or an array of strings)")
        text = item.strip() if strip else item
        if not text:
            raise self.error(path, "must not be empty")
        if len(text) > MAX_TEXT:
            raise self.error(path, f"must be at most {MAX_TEXT} characters")
        return text

    def number(self, item: object, path: str) -> int:
        if isinstance(item, str) and _DIGITS.fullmatch(item.strip()):
            item = int(item.strip())
        if isinstance(item, bool) or not isinstance(item, int):
            raise self.error(path, "must be a number or a string of digits (or an array of them)")
        if not 1 <= item <= MAX_ID:
            raise self.error(path, "must be an id: a whole number from 1")
        return item


def _is_template_atom(part: object) -> bool:
    return isinstance(part, dict) and len(part) == 1 and "templateId" in part


def _key_count_message(value: dict[Any, Any]) -> str:
    if not value:
        return f"is empty: give {SELECTOR_HINT}"
    names = ", ".join(str(key) for key in value)
    return f"has {len(value)} keys ({names}); a selector has one: combine several with AND or OR"
