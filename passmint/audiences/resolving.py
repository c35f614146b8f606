"""Segments in an audience replaced by their saved criteria, so the audience selects with one query."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.audiences import repository
from passmint.audiences.errors import SegmentNotFound
from passmint.audiences.parsing import parse_criteria
from passmint.audiences.tree import AllOf, AnyOf, Audience, Not, Segments


async def resolve(
    session: AsyncSession, audience: Audience, *, account_id: int, project_id: int | None
) -> Audience:
    """``audience`` with each ``segment`` atom replaced by its segment's criteria (any of them, for several
    segments); the segments are the account's (``project_id``'s, when given). An unknown one is a
    ``SegmentNotFound`` naming it. Segment criteria hold tags only, so one pass resolves all."""
    named = {value for node in audience.nodes() if isinstance(node, Segments) for value in node.values}
    if not named:
        return audience
    ids = {text: _uuid(text) for text in sorted(named)}
    found = await repository.segment_criteria(
        session, account_id, project_id, [segment_id for segment_id in ids.values() if segment_id is not None]
    )
    missing = [text for text, segment_id in ids.items() if segment_id not in found]
    if missing:
        where = "" if project_id is None else f" in project {project_id}"
        raise SegmentNotFound(f"Segment {missing[0]} was not found{where}")
    trees = {text: parse_criteria(found[segment_id]) for text, segment_id in ids.items() if segment_id}
    return _replaced(audience, trees)


def _replaced(audience: Audience, trees: dict[str, Audience]) -> Audience:
    match audience:
        case Segments(values=values):
            parts = tuple(trees[value] for value in values)
            return parts[0] if len(parts) == 1 else AnyOf(parts)
        case AllOf(parts=parts):
            return AllOf(tuple(_replaced(part, trees) for part in parts))
        case AnyOf(parts=parts):
            return AnyOf(tuple(_replaced(part, trees) for part in parts))
        case Not(part=part):
            return Not(_replaced(part, trees))
    return audience


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
