"""Errors of the schedules domain."""

from __future__ import annotations

from passmint.errors import Conflict, InvalidInput, NotFound, PassmintError


class SchedulesError(PassmintError): ...


class ScheduleNotFound(SchedulesError, NotFound):
    code = "schedule_not_found"


class ScheduleAlreadyRan(SchedulesError, Conflict):
    code = "schedule_already_ran"


class ScheduleChanged(SchedulesError, Conflict):
    code = "schedule_changed"


class ScheduleInvalid(SchedulesError, InvalidInput):
    code = "schedule_invalid"


class ScheduleQueryInvalid(SchedulesError, InvalidInput):
    code = "invalid_request"
