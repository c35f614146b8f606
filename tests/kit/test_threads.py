"""CPU-heavy calls in worker threads, a bounded number at once."""

from __future__ import annotations

import asyncio
import threading

from passmint.kit import threads


async def test_runs_in_a_thread_other_than_the_loops() -> None:
    assert await threads.in_thread(threading.get_ident) != threading.get_ident()


async def test_passes_arguments_and_raises_what_the_call_raises() -> None:
    assert await threads.in_thread(int, "ff", base=16) == 255
    try:
        await threads.in_thread(int, "not a number")
    except ValueError:
        pass
    else:
        raise AssertionError("the error was lost")


async def test_a_burst_runs_at_most_max_threads_at_once() -> None:
    lock = threading.Lock()
    running = most = 0
    release = threading.Event()

    def work() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        release.wait(timeout=30)
        with lock:
            running -= 1

    burst = [asyncio.create_task(threads.in_thread(work)) for _ in range(threads.MAX_THREADS * 3)]
    while True:  # until the first places are taken
        with lock:
            if running == threads.MAX_THREADS:
                break
        await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(*burst)
    assert most == threads.MAX_THREADS
