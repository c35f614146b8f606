"""Errors of the statistics domain."""

from __future__ import annotations

from passmint.errors import InvalidInput, NotFound, PassmintError


class StatsError(PassmintError): ...


class ActivityRangeInvalid(StatsError, InvalidInput):
    code = "activity_range_invalid"


class TagNotFound(StatsError, NotFound):
    code = "tag_not_found"


class PassesNotFound(StatsError, NotFound):
    code = "pass_not_found"
