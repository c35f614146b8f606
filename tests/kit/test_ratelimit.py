"""The in-process token bucket: bursts, refill, cost, bounded memory, and the error it raises."""

from __future__ import annotations

import pytest

from passmint.errors import TooManyRequests
from passmint.kit.ratelimit import RateLimit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_burst_then_the_refill_rate(clock: Clock) -> None:
    limit = RateLimit(per_minute=6, burst=3, clock=clock)  # a token every 10 s

    assert [limit.wait("a") for _ in range(3)] == [0, 0, 0]
    assert limit.wait("a") == pytest.approx(10)
    clock.now += 5
    assert limit.wait("a") == pytest.approx(5)  # a refused request takes nothing
    clock.now += 5
    assert limit.wait("a") == 0
    clock.now += 3600
    assert [limit.wait("a") for _ in range(4)][-1] > 0  # refills up to the burst, no further


def test_keys_are_apart(clock: Clock) -> None:
    limit = RateLimit(per_minute=1, burst=1, clock=clock)

    assert limit.wait("a") == 0 and limit.wait("b") == 0
    assert limit.wait("a") > 0 and limit.wait("b") > 0


def test_a_request_may_cost_several_tokens(clock: Clock) -> None:
    limit = RateLimit(per_minute=60, burst=10, clock=clock)

    assert limit.wait("a", cost=8) == 0
    assert limit.wait("a", cost=3) == pytest.approx(1)
    assert limit.wait("a", cost=2) == 0


def test_memory_is_bounded_by_forgetting_the_least_recent_keys(clock: Clock) -> None:
    limit = RateLimit(per_minute=1, burst=1, max_keys=3, clock=clock)
    for key in ("a", "b", "c"):
        limit.wait(key)
    limit.wait("a")  # seen again: now the most recent
    limit.wait("d")  # forgets "b", the least recently seen

    assert len(limit._buckets) == 3
    assert limit.wait("b") == 0  # a fresh bucket
    assert limit.wait("a") > 0


def test_take_raises_with_whole_seconds_to_wait(clock: Clock) -> None:
    limit = RateLimit(per_minute=60 / 7.5, burst=1, clock=clock)
    limit.take("a", "for a")

    with pytest.raises(TooManyRequests) as raised:
        limit.take("a", "for a")

    assert raised.value.retry_after == 8 and "for a" in raised.value.message
