"""The due sweep's heartbeat, on the monotonic clock.

A job scheduler that keeps its next run in wall-clock time stalls for as long as the clock
is stepped back (an hour of no check-ins, nudges or alert repeats after a one-hour step).
Here the pause between sweeps is asyncio's, which is monotonic; what falls due is still
decided in wall-clock UTC by the sweep itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("peercircle.sweeps")


class SweepLoop:
    def __init__(self, sweep: Callable[[], Awaitable[None]], interval: float) -> None:
        self._sweep = sweep
        self._interval = interval
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="due-sweep")

    async def stop(self) -> None:
        """Let a sweep that is running finish; start no other."""
        self._stopping.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._sweep()
            except Exception:
                log.exception("due sweep failed; the next one retries")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval)
