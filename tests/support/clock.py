"""A clock for ``passmint.kit.time.utcnow`` that a test moves ahead instead of sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from passmint.kit import time as kit_time


class AheadClock:
    """The wall clock plus an offset that only grows: time passes as usual, and jumps when a test says."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return kit_time.wall_clock() + self.offset

    def advance(self, seconds: float) -> None:
        """Move this clock ``seconds`` ahead (one second ahead is always a later whole second, as HTTP
        dates have)."""
        self.offset += timedelta(seconds=seconds)


def stand_still(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Hold ``utcnow`` at this moment for the rest of the test, so answers dated by it (``Last-Modified``
    is never later than now) get the same date however slowly the test runs; the moment held."""
    now = kit_time.wall_clock()
    monkeypatch.setattr(kit_time, "clock", lambda: now)
    return now
