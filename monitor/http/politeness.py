"""Per-host politeness: a concurrency cap and a minimum, jittered gap between request starts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from monitor.http.settings import HttpSettings

Sleep = Callable[[float], Awaitable[object]]
Clock = Callable[[], float]
Random = Callable[[], float]

JITTER = 0.25  # ±25 % so several instances do not fall into lock-step


class HostPaused(Exception):
    """The host asked us (Retry-After) to stay away for longer than we are willing to wait."""

    def __init__(self, host: str, remaining: float, status: int) -> None:
        super().__init__(f"{host} paused for {remaining:.0f} s more")
        self.host = host
        self.remaining = remaining
        self.status = status  # the status (429 or 503) that asked for the pause


@dataclass
class _HostState:
    semaphore: asyncio.Semaphore
    delay: float
    next_start: float = float("-inf")  # earliest start of the next request (already reserved)
    paused_until: float = float("-inf")  # from Retry-After; applies to every caller
    pause_status: int = 0


class HostLimiter:
    """Hands out request slots per host; every wait goes through the injected sleep and clock."""

    def __init__(self, settings: HttpSettings, *, sleep: Sleep, clock: Clock, rng: Random) -> None:
        self._settings = settings
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
        self._hosts: dict[str, _HostState] = {}

    def _state(self, host: str) -> _HostState:
        state = self._hosts.get(host)
        if state is None:
            concurrency, delay = self._settings.for_host(host)
            state = _HostState(asyncio.Semaphore(concurrency), delay)
            self._hosts[host] = state
        return state

    def pause(self, host: str, seconds: float, *, status: int) -> None:
        """Push back every caller's next start on `host` (a 429/503 Retry-After)."""
        state = self._state(host)
        until = self._clock() + max(seconds, 0.0)
        if until > state.paused_until:
            state.paused_until = until
            state.pause_status = status
        state.next_start = max(state.next_start, state.paused_until)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Wait for a free slot on `host` and its turn; raise HostPaused rather than wait long."""
        state = self._state(host)
        async with state.semaphore:
            await self._wait_turn(host, state)
            yield

    async def _wait_turn(self, host: str, state: _HostState) -> None:
        while True:
            now = self._clock()
            remaining = state.paused_until - now
            if remaining > self._settings.max_retry_after_seconds:
                raise HostPaused(host, remaining, state.pause_status)
            # Reserve the start time before sleeping, so concurrent callers queue behind us
            # instead of all waking at the same instant.
            start = max(now, state.next_start, state.paused_until)
            state.next_start = start + self._jittered(state.delay)
            if start <= now:
                return
            await self._sleep(start - now)
            if state.paused_until <= self._clock():
                return
            # A Retry-After arrived while we slept: queue again behind the pause.

    def _jittered(self, delay: float) -> float:
        return delay * (1 + JITTER * (2 * self._rng() - 1))
