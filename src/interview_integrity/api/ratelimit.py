"""Sliding-window rate limiting per API key or client address; shared through Redis when Redis is the store.

A fixed one-minute window lets a client send twice the limit across a minute boundary, and makes the outcome
of a burst depend on when in the minute it lands. The sliding window estimate (the last minute's count,
weighted by how much of it still overlaps the trailing 60 s, plus this minute's count) closes that gap with
two counters per key, which Redis keeps as cheaply as one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol

import redis.asyncio as aioredis

from interview_integrity.stores.connection import answering

WINDOW_S = 60
Clock = Callable[[], float]


class RateLimiter(Protocol):
    async def hit(self, key: str) -> float | None:
        """None when the request is allowed (and counted), else the whole seconds to wait before the next one.

        Refused requests are not counted, so a client that retries early is not pushed further back and
        `Retry-After` stays true.
        """
        ...


def decide(limit: int, now: float, previous: int, current: int) -> float | None:
    """`current` counts this request; `previous` is the count of the window before this one."""
    elapsed = now % WINDOW_S
    if previous * (1 - elapsed / WINDOW_S) + current <= limit:
        return None
    return float(max(1, math.ceil(_seconds_until_room(limit, elapsed, previous, counted=current - 1))))


def _seconds_until_room(limit: int, elapsed: float, previous: int, counted: int) -> float:
    # A refused request is not counted, so the next one fits once previous * (1 - fraction) + counted + 1 <= limit.
    room = limit - counted - 1
    if room >= 0 and previous > 0:
        return (1 - room / previous) * WINDOW_S - elapsed
    # Not in this window: in the next one, this window's count is the one that fades.
    fraction = 1 - (limit - 1) / counted if limit >= 1 and counted > 0 else 1.0
    return WINDOW_S - elapsed + max(0.0, fraction) * WINDOW_S


class Unlimited:
    async def hit(self, key: str) -> float | None:
        return None


class MemoryRateLimiter:
    def __init__(self, per_minute: int, clock: Clock = time.time) -> None:
        self._limit = per_minute
        self._clock = clock
        self._window = 0
        self._previous: dict[str, int] = {}
        self._current: dict[str, int] = {}

    async def hit(self, key: str) -> float | None:
        now = self._clock()
        window = int(now // WINDOW_S)
        if window != self._window:
            adjacent = window == self._window + 1
            self._previous = self._current if adjacent else {}
            self._current, self._window = {}, window
        current = self._current.get(key, 0) + 1
        wait = decide(self._limit, now, self._previous.get(key, 0), current)
        if wait is None:
            self._current[key] = current
        return wait


class RedisRateLimiter:
    def __init__(self, client: aioredis.Redis, per_minute: int, clock: Clock = time.time) -> None:
        self._redis = client
        self._limit = per_minute
        self._clock = clock

    async def hit(self, key: str) -> float | None:
        now = self._clock()
        window = int(now // WINDOW_S)
        current_name = f"ii:rate:{key}:{window}"
        with answering():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(current_name)
                pipe.expire(current_name, 2 * WINDOW_S + 1)
                pipe.get(f"ii:rate:{key}:{window - 1}")
                current, _, previous = await pipe.execute()
            wait = decide(self._limit, now, int(previous or 0), int(current))
            if wait is not None:
                await self._redis.decr(current_name)
        return wait
