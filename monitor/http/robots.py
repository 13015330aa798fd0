"""robots.txt per origin (RFC 9309), parsed with urllib.robotparser and cached."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from monitor.errors import FetchError

ROBOTS_TTL = 24 * 3600.0
# A robots.txt that could not be read is asked for again sooner, but not on every URL:
# hammering a failing server with robots requests is the opposite of polite.
FAILURE_TTL = 600.0
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB


@dataclass(frozen=True)
class RobotsPolicy:
    """What one origin's robots.txt lets us fetch."""

    parser: RobotFileParser | None = None  # None and no failure: allow everything
    failure: FetchError | None = None  # robots.txt unreachable: nothing may be fetched

    @classmethod
    def from_text(cls, text: str) -> RobotsPolicy:
        parser = RobotFileParser()
        parser.parse(text.splitlines())
        return cls(parser=parser)

    def allows(self, token: str, url: str) -> bool:
        if self.failure is not None:
            return False
        return self.parser is None or self.parser.can_fetch(token, url)


@dataclass
class _Entry:
    policy: RobotsPolicy
    expires: float


class RobotsCache:
    """One policy per origin, loaded once even when many requests ask at the same moment."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def policy(
        self, origin: str, load: Callable[[], Awaitable[RobotsPolicy]]
    ) -> RobotsPolicy:
        """The cached policy for `origin`, calling `load` when it is missing or stale."""
        entry = self._entries.get(origin)
        if entry is not None and entry.expires > self._clock():
            return entry.policy  # the common case: no lock to take
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            entry = self._entries.get(origin)
            if entry is None or entry.expires <= self._clock():
                policy = await self._load(load)
                ttl = FAILURE_TTL if policy.failure else ROBOTS_TTL
                entry = _Entry(policy, self._clock() + ttl)
                self._entries[origin] = entry
            return entry.policy

    @staticmethod
    async def _load(load: Callable[[], Awaitable[RobotsPolicy]]) -> RobotsPolicy:
        try:
            return await load()
        except FetchError as exc:
            return RobotsPolicy(failure=exc)
