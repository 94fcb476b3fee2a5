"""One suite, both limiters: in memory and on a real Redis server, under a clock the test moves."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from interview_integrity.api.ratelimit import WINDOW_S, MemoryRateLimiter, RateLimiter, RedisRateLimiter, decide
from interview_integrity.stores.base import Expiry
from interview_integrity.stores.redis import RedisStore
from tests.servers import RedisServer

LIMIT = 10


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(1_000 * WINDOW_S)


@pytest.fixture(params=["memory", "redis"])
async def limiter(
    request: pytest.FixtureRequest, clock: Clock, redis_server: RedisServer
) -> AsyncIterator[RateLimiter]:
    if request.param == "memory":
        yield MemoryRateLimiter(LIMIT, clock)
        return
    store = await RedisStore.connect(redis_server.url, Expiry(idle_ttl_s=60, retention_s=60))
    await store.client.flushdb()  # type: ignore[attr-defined]
    yield RedisRateLimiter(store.client, LIMIT, clock)
    await store.close()


async def burst(limiter: RateLimiter, n: int, key: str = "k") -> list[float | None]:
    return [await limiter.hit(key) for _ in range(n)]


async def test_the_limit_is_allowed_and_one_more_is_refused(limiter: RateLimiter) -> None:
    answers = await burst(limiter, LIMIT + 1)
    assert answers[:LIMIT] == [None] * LIMIT
    assert answers[LIMIT] is not None and answers[LIMIT] >= 1


async def test_a_burst_across_a_minute_boundary_is_still_limited(limiter: RateLimiter, clock: Clock) -> None:
    clock.now += WINDOW_S - 0.5
    assert await burst(limiter, LIMIT // 2) == [None] * (LIMIT // 2)
    clock.now += 1  # the next minute has begun
    answers = await burst(limiter, LIMIT // 2 + 1)
    assert answers[:-1] == [None] * (LIMIT // 2)
    assert answers[-1] is not None


async def test_retry_after_is_enough_and_not_much_more(limiter: RateLimiter, clock: Clock) -> None:
    clock.now += 20
    await burst(limiter, LIMIT)
    retry = await limiter.hit("k")
    assert retry is not None
    clock.now += retry - 1
    assert await limiter.hit("k") is not None  # a second early is still too early
    clock.now += 1 + 0.01
    assert await limiter.hit("k") is None


async def test_keys_have_their_own_budgets_and_old_minutes_are_forgotten(limiter: RateLimiter, clock: Clock) -> None:
    await burst(limiter, LIMIT + 1, key="a")
    assert await limiter.hit("b") is None
    clock.now += 2 * WINDOW_S
    assert await burst(limiter, LIMIT, key="a") == [None] * LIMIT


def test_the_estimate_weights_the_last_minute_by_its_overlap() -> None:
    # 30 s into the minute, half of the last minute's 10 still count: 5 + 5 fits a limit of 10, 5 + 6 does not.
    assert decide(10, now=30.0, previous=10, current=5) is None
    assert decide(10, now=30.0, previous=10, current=6) is not None
    # a limit of 1 with this minute spent waits for the whole of the next minute
    assert decide(1, now=0.0, previous=0, current=2) == 2 * WINDOW_S
