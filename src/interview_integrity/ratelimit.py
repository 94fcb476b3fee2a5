"""Fixed-window rate limiting per API key or client address; shared through Redis when Redis is the store."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol

import redis.asyncio as aioredis

_WINDOW_S = 60


class RateLimiter(Protocol):
    async def hit(self, key: str) -> float | None:
        """Count one request; None when allowed, else the seconds until the next window."""
        ...


def _retry_after(now: float) -> float:
    return float(max(1, math.ceil(_WINDOW_S - now % _WINDOW_S)))


class Unlimited:
    async def hit(self, key: str) -> float | None:
        return None


class MemoryRateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.time) -> None:
        self._limit = per_minute
        self._clock = clock
        self._window = -1
        self._counts: dict[str, int] = {}

    async def hit(self, key: str) -> float | None:
        now = self._clock()
        window = int(now // _WINDOW_S)
        if window != self._window:
            self._window, self._counts = window, {}
        self._counts[key] = self._counts.get(key, 0) + 1
        return _retry_after(now) if self._counts[key] > self._limit else None


class RedisRateLimiter:
    def __init__(self, client: aioredis.Redis, per_minute: int) -> None:
        self._redis = client
        self._limit = per_minute

    async def hit(self, key: str) -> float | None:
        now = time.time()
        name = f"ii:rate:{key}:{int(now // _WINDOW_S)}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, _WINDOW_S + 1)
            count, _ = await pipe.execute()
        return _retry_after(now) if int(count) > self._limit else None
