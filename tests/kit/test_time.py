"""The one wire format for times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from passmint.kit import time
from passmint.kit.time import UtcDateTime, format_utc, modified_since, utcnow
from tests.support.clock import AheadClock


class Stamped(BaseModel):
    at: UtcDateTime


def test_format_has_milliseconds_and_z() -> None:
    assert format_utc(datetime(2013, 6, 27, 20, 55, 6, 123456, tzinfo=UTC)) == "2013-06-27T20:55:06.123Z"


def test_offset_input_is_converted_to_utc() -> None:
    stamped = Stamped.model_validate({"at": "2023-01-28T15:00-05:00"})
    assert stamped.at == datetime(2023, 1, 28, 20, 0, tzinfo=UTC)
    assert stamped.model_dump(mode="json") == {"at": "2023-01-28T20:00:00.000Z"}


@given(
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30)),
    st.integers(min_value=-12 * 60, max_value=14 * 60),
)
def test_any_offset_prints_the_same_instant_in_utc(moment: datetime, offset_minutes: int) -> None:
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    printed = Stamped(at=aware).model_dump(mode="json")["at"]
    assert printed.endswith("Z")
    assert abs(datetime.fromisoformat(printed) - aware) < timedelta(milliseconds=1)


def test_modified_since_a_date_at_the_edge_of_the_calendar() -> None:
    assert not modified_since(utcnow(), parsedate_to_datetime("Fri, 31 Dec 9999 23:59:59 -1400"))
    assert modified_since(utcnow(), parsedate_to_datetime("Mon, 01 Jan 0001 00:00:00 +1400"))


def test_a_time_utc_cannot_hold_is_a_validation_error() -> None:
    for text in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        try:
            Stamped.model_validate({"at": text})
        except ValueError as error:
            assert "out of range once converted to UTC" in str(error)
        else:
            raise AssertionError(f"{text} was accepted")


def test_utcnow_reads_the_wall_clock_unless_a_test_moves_it(utc_clock: AheadClock) -> None:
    before = datetime.now(UTC)
    assert before <= utcnow() <= datetime.now(UTC)
    utc_clock.advance(3600)
    assert before + timedelta(hours=1) <= utcnow() <= datetime.now(UTC) + timedelta(hours=1)
    assert time.wall_clock() < before + timedelta(minutes=1)
