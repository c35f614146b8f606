"""CPU-heavy work (decoding, image checks, signing) in worker threads, a bounded number at once.

Run on the event loop, such work stops every other request of the process until it is done; in a
thread the loop keeps answering. A burst waits for a free place (``MAX_THREADS``) instead of
starting threads without bound, and never takes the threads the loop uses for name lookups.
"""

from __future__ import annotations

import asyncio
import functools
import os
import weakref
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from anyio import CapacityLimiter, to_thread

P = ParamSpec("P")
T = TypeVar("T")

MAX_THREADS = max(2, os.cpu_count() or 2)
"""CPU-heavy calls running at once in one process: more than the cores would only take turns."""

_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = weakref.WeakKeyDictionary()


def _limiter() -> CapacityLimiter:
    loop = asyncio.get_running_loop()
    if loop not in _limiters:
        _limiters[loop] = CapacityLimiter(MAX_THREADS)
    return _limiters[loop]


async def in_thread(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``function(*args, **kwargs)`` run in a worker thread, waiting for a free place first."""
    return await to_thread.run_sync(functools.partial(function, *args, **kwargs), limiter=_limiter())
