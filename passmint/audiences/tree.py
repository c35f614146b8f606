"""The parsed audience: an immutable tree of atoms (tag, segment, template, pass, external id) and
AND / OR / NOT, each writing itself back as the normalised JSON that ``parse`` reads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

ALL = "all"
"""The plain-string selector meaning every pass."""


@dataclass(frozen=True, slots=True)
class Audience:
    """A set of passes, as the reference's audience selector describes it."""

    def as_json(self) -> Any:
        """The selector in its normalised wire form: upper-case operators, NOT as an object, an atom's
        value a scalar when it has one and an array (implicit OR) when it has several."""
        raise NotImplementedError

    def nodes(self) -> Iterator[Audience]:
        """This node and every node below it, depth first."""
        yield self


@dataclass(frozen=True, slots=True)
class Everyone(Audience):
    """``"all"``: every pass."""

    def as_json(self) -> Any:
        return ALL


@dataclass(frozen=True, slots=True)
class _Atom(Audience):
    key: ClassVar[str]
    values: tuple[str | int, ...] = ()

    def as_json(self) -> Any:
        return {self.key: self.values[0] if len(self.values) == 1 else list(self.values)}


@dataclass(frozen=True, slots=True)
class Tags(_Atom):
    """Passes carrying any of these tags."""

    key: ClassVar[str] = "tag"
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Segments(_Atom):
    """Passes in any of these segments (not built yet: parsing one raises ``SegmentsNotBuilt``)."""

    key: ClassVar[str] = "segment"
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TemplateIds(_Atom):
    """Passes of any of these templates."""

    key: ClassVar[str] = "templateId"
    values: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PassIds(_Atom):
    """These passes."""

    key: ClassVar[str] = "passId"
    values: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ExternalIds(_Atom):
    """Passes with any of these external ids (only ever inside an AND with a ``TemplateIds``)."""

    key: ClassVar[str] = "externalId"
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AllOf(Audience):
    """``AND``: passes in every part."""

    parts: tuple[Audience, ...] = ()

    def as_json(self) -> Any:
        return {"AND": [part.as_json() for part in self.parts]}

    def nodes(self) -> Iterator[Audience]:
        yield self
        for part in self.parts:
            yield from part.nodes()


@dataclass(frozen=True, slots=True)
class AnyOf(Audience):
    """``OR``: passes in any part."""

    parts: tuple[Audience, ...] = ()

    def as_json(self) -> Any:
        return {"OR": [part.as_json() for part in self.parts]}

    def nodes(self) -> Iterator[Audience]:
        yield self
        for part in self.parts:
            yield from part.nodes()


@dataclass(frozen=True, slots=True)
class Not(Audience):
    """``NOT``: passes outside ``part``."""

    part: Audience = Everyone()

    def as_json(self) -> Any:
        return {"NOT": self.part.as_json()}

    def nodes(self) -> Iterator[Audience]:
        yield self
        yield from self.part.nodes()


def of_template(template_id: int) -> Audience:
    """Every pass of one template."""
    return TemplateIds((template_id,))


def of_pass(pass_id: int) -> Audience:
    """One pass."""
    return PassIds((pass_id,))


def of_tag(tag: str, template_id: int) -> Audience:
    """The passes of one template that carry ``tag``."""
    return AllOf((Tags((tag,)), TemplateIds((template_id,))))


def criteria_json(audience: Audience) -> Any:
    """A segment's criteria as the reference prints them: the normalised form with lower-case operators."""
    match audience:
        case AllOf(parts=parts):
            return {"and": [criteria_json(part) for part in parts]}
        case AnyOf(parts=parts):
            return {"or": [criteria_json(part) for part in parts]}
        case Not(part=part):
            return {"not": criteria_json(part)}
    return audience.as_json()
