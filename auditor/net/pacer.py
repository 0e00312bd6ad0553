"""Politeness per host, shared by every fetcher of a run (the HTTP client, the browser, every person of a
workspace), so that a host sees one polite client whoever asks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    """One exchange with a host as the pacer timed it (its clock): what proves the pacing held.

    `began` is read just before the request is let go and `ended` just after the exchange is over, so
    `began` of the next minus `ended` of this one is never longer than the gap the host saw."""

    host: str
    interval: float
    """Seconds the pacer kept free before this request (already scaled)."""
    began: float
    ended: float


class HostPacer:
    """One request at a time per host, at least `interval` seconds apart, and a global cap across hosts.

    `hold` keeps a whole host waiting: a Retry-After speaks for the server, not for the one request that got
    it, so the other requests queued for that host wait too instead of walking into the same 429.
    """

    def __init__(
        self,
        concurrency: int,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}
        self._not_before: dict[str, float] = {}
        self._sleep = sleep
        self._clock = clock
        self.slots: list[Slot] = []
        """Every exchange of the run, in the order they ended (a few hundred bytes each)."""

    def hold(self, host: str, seconds: float) -> None:
        """No request to `host` starts in the next `seconds` (a Retry-After); a longer hold already set stays."""
        until = self._clock() + seconds
        self._not_before[host] = max(until, self._not_before.get(host, until))

    @asynccontextmanager
    async def slot(self, host: str, interval: float) -> AsyncIterator[None]:
        async with self._locks.setdefault(host, asyncio.Lock()):
            last = self._last.get(host)
            start = max(last + interval if last is not None else 0.0, self._not_before.get(host, 0.0))
            wait = start - self._clock()
            if wait > 0:
                await self._sleep(wait)  # outside the global cap: a host held back holds no other host back
            async with self._global:
                began = self._last[host] = self._clock()
                try:
                    yield
                finally:
                    # The interval runs from the end of the exchange: a slow answer is no licence to hurry.
                    ended = self._last[host] = self._clock()
                    self.slots.append(Slot(host, interval, began, ended))
