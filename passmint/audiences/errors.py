"""Errors of the audiences domain."""

from __future__ import annotations

from passmint.errors import InvalidInput, NotFound, PassmintError


class AudiencesError(PassmintError): ...


class AudienceInvalid(AudiencesError, InvalidInput):
    """An audience selector that cannot be read; ``details`` names the offending part by its path."""

    code = "audience_invalid"


class SegmentNotFound(AudiencesError, NotFound):
    """A segment named in a path or a selector that the project (or account) does not have."""

    code = "segment_not_found"
