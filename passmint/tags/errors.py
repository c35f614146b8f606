"""Errors of the tags domain."""

from __future__ import annotations

from passmint.errors import InvalidInput, NotFound, PassmintError


class TagsError(PassmintError): ...


class TagNotFound(TagsError, NotFound):
    """No tag of that name (or id) in the account, or not on the pass named."""

    code = "tag_not_found"


class TooManyTags(TagsError, InvalidInput):
    """Adding the tags would give the pass more than ``MAX_TAGS``."""

    code = "too_many_tags"
