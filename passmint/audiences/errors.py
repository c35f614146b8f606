"""Errors of the audiences domain."""

from __future__ import annotations

from passmint.errors import InvalidInput, NotImplementedYet, PassmintError


class AudiencesError(PassmintError): ...


class AudienceInvalid(AudiencesError, InvalidInput):
    """An audience selector that cannot be read; ``details`` names the offending part by its path."""

    code = "audience_invalid"


class SegmentsNotBuilt(AudiencesError, NotImplementedYet):
    code = "not_implemented"
