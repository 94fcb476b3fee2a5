"""RedisTurns honours its caller's cancellation even when it is swallowed on the way (a narrow unit test with a
fake Redis client; test_store.py runs the turns on a real Redis)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import pytest

from interview_integrity.stores.lines import Window
from interview_integrity.stores.redis_turns import RedisTurns


class SwallowingRedis:
    """Never gives the turn; its scripts swallow a cancellation that lands while they run, as a client did
    under load (the caller's 0.5 s timeout then waited on to TURN_WAIT_S, 10 s). Counts the turns ended."""

    def __init__(self) -> None:
        self.ended = 0
        self.registered = 0

    def register_script(self, script: str) -> Any:  # RedisTurns registers take, renew and end, in this order
        self.registered += 1

        async def take(keys: list[str], args: list[Any]) -> int:
            with contextlib.suppress(asyncio.CancelledError):  # swallowed, without uncancel(): still counted
                await asyncio.sleep(0.05)
            return 0

        async def end(keys: list[str], args: list[Any]) -> int:
            self.ended += 1
            return 1

        return end if self.registered == 3 else take


async def test_a_cancelled_wait_for_a_turn_ends_at_the_callers_timeout() -> None:
    redis = SwallowingRedis()
    turns = RedisTurns(redis, Window(), lease_s=2.0)  # type: ignore[arg-type]
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2), turns.turn("s", 1.0, reorder=False):
            pass
    assert time.monotonic() - started < 1.0  # not the 10 s of TURN_WAIT_S
    assert redis.ended == 1  # its place in the line was given back
