"""Audiences: the reference's audience selector (tags, templates, passes, external ids, AND/OR/NOT).

``parse`` reads a selector from the wire into an immutable ``Audience``; ``Audience.as_json`` writes it
back (for job payloads and schedules); ``where`` turns it into a SQL condition over passes.
"""

from __future__ import annotations

from passmint.audiences.parsing import parse
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
    "of_pass",
    "of_tag",
    "of_template",
    "parse",
    "where",
]
