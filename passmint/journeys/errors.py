"""Errors of the flights and events domain."""

from __future__ import annotations

from passmint.errors import InvalidInput, NotFound, PassmintError


class JourneyError(PassmintError): ...


class JourneyNotFound(JourneyError, NotFound):
    code = "journey_not_found"


class PassGroupNotFound(JourneyError, NotFound):
    code = "pass_group_not_found"


class NotInPassGroup(JourneyError, InvalidInput):
    """Removing a journey from a group it is not in: 400, as the reference documents it."""

    code = "pass_group_not_found"


class InvalidJourney(JourneyError, InvalidInput):
    code = "invalid_journey"
