"""One way to Redis for everything that keeps state there (the session store, the rate limiter): a client
that answered a ping at start-up, and Redis errors mid-request turned into a 503 to retry."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from interview_integrity.stores.base import StoreUnavailableError

log = logging.getLogger("interview_integrity.store")


async def connect_redis(url: str) -> aioredis.Redis:
    """A client of the Redis at `url`; one that does not answer fails here, loudly (never a silent fallback)."""
    client = aioredis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5)
    try:
        await client.ping()
    except (RedisError, OSError) as error:
        await client.aclose()
        raise StoreUnavailableError(f"SESSION_STORE=redis but Redis at {url} does not answer: {error}") from error
    return client


@contextmanager
def answering() -> Iterator[None]:
    """Redis going away mid-request is StoreUnavailableError (503, retry), never an internal error. The
    caller is not told where Redis runs; the log is."""
    try:
        yield
    except (RedisError, OSError) as error:
        log.warning("the session store does not answer", extra={"fields": {"error": repr(error)}})
        raise StoreUnavailableError() from error
