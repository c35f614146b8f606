"""Audiences: the reference's audience selector (tags, templates, passes, external ids, AND/OR/NOT).

``parse`` reads a selector from the wire into an immutable ``Audience``; ``Audience.as_json`` writes it
back (for job payloads and schedules); ``resolve`` replaces its segments by their criteria and ``where``
turns it into a SQL condition over passes. ``parse_criteria``/``criteria_json`` read and write a segment's.
"""

from __future__ import annotations

from passmint.audiences.parsing import parse, parse_criteria
from passmint.audiences.resolving import resolve
from passmint.audiences.selection import where
from passmint.audiences.tree import (
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
    criteria_json,
    of_pass,
    of_tag,
    of_template,
)

__all__ = [
    "AllOf",
    "AnyOf",
    "Audience",
    "Everyone",
    "ExternalIds",
    "Not",
    "PassIds",
    "Segments",
    "Tags",
    "TemplateIds",
    "criteria_json",
    "of_pass",
    "of_tag",
    "of_template",
    "parse",
    "parse_criteria",
    "resolve",
    "where",
]
