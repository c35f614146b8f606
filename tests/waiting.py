"""Waiting in tests for something another process does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def poll(condition: Callable[[], Awaitable[bool]], what: str, *, seconds: float = 20.0) -> None:
    """Until ``condition`` holds, for at most ``seconds``; fails naming ``what`` otherwise."""
    try:
        async with asyncio.timeout(seconds):
            while True:
                if await condition():
                    return
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"timed out waiting until {what}") from None
