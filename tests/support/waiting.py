"""Waiting in tests for something another task, thread or process does: polling, with a deadline."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

Condition = Callable[[], bool | Awaitable[bool]]


async def poll(condition: Condition, what: str, *, seconds: float = 20.0, every: float = 0.02) -> None:
    """Until ``condition`` (a function or a coroutine function) holds, for at most ``seconds``; fails
    naming ``what`` otherwise."""
    try:
        async with asyncio.timeout(seconds):
            while True:
                holds = condition()
                if await holds if inspect.isawaitable(holds) else holds:
                    return
                await asyncio.sleep(every)
    except TimeoutError:
        raise AssertionError(f"timed out waiting until {what}") from None


def wait_until(
    condition: Callable[[], bool], what: str, *, seconds: float = 20.0, every: float = 0.02
) -> None:
    """``poll`` for code that has no event loop: blocks this thread."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(every)
