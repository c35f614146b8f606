"""UTC time: the one clock and the one wire format for datetimes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, PlainSerializer


def wall_clock() -> datetime:
    """The system's time, timezone-aware, in UTC."""
    return datetime.now(UTC)


clock: Callable[[], datetime] = wall_clock
"""What ``utcnow`` reads: always ``wall_clock`` in production. Tests that need time to pass put a clock
here that they move ahead, instead of sleeping (as ``kit.ratelimit`` takes a clock)."""


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return clock()


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_utc(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a ``Z``, as the Airship reference prints times."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _input_as_utc(value: datetime) -> datetime:
    """``as_utc`` for a time a client sent: one that UTC cannot hold (before year 1 or after 9999
    once its offset is applied, e.g. ``0001-01-01T00:00:00+14:00``) is a validation error."""
    try:
        return as_utc(value)
    except OverflowError:
        raise ValueError("is out of range once converted to UTC (years 1 to 9999)") from None


UtcDateTime = Annotated[
    datetime,
    AfterValidator(_input_as_utc),
    PlainSerializer(format_utc, return_type=str, when_used="json"),
]
"""A datetime that accepts any ISO 8601 offset on input and always prints UTC ``Z`` on output."""


def last_modified(changed_at: datetime, now: datetime | None = None) -> datetime:
    """The ``Last-Modified`` to send for content last changed at ``changed_at``.

    HTTP dates have whole seconds. Sending the second after the change (but never a time still to
    come) makes ``modified_since`` exact: a client that sends it back gets 304 until the next change,
    and a change made after the answer, even in the same second, is never taken for "not modified".
    """
    now = now or utcnow()
    return min(changed_at.replace(microsecond=0) + timedelta(seconds=1), now.replace(microsecond=0))


def modified_since(changed_at: datetime, since: datetime) -> bool:
    """Whether content changed at ``changed_at`` is newer than an ``If-Modified-Since`` of ``since``.

    Compared as aware times, never converted: a client's date at the edge of the calendar
    (``Fri, 31 Dec 9999 23:59:59 -1400``) has no UTC form, but still compares."""
    return _aware(changed_at) >= _aware(since)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
