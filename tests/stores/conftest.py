"""Both stores behind one helper: a store test runs once on memory and once on a real, emptied Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from interview_integrity.stores.base import Expiry, SessionStore
from interview_integrity.stores.memory import MemoryStore
from interview_integrity.stores.redis import RedisStore
from tests.servers import RedisServer

KINDS = ["memory", "redis"]


@asynccontextmanager
async def opened(kind: str, redis_server: RedisServer, expiry: Expiry) -> AsyncIterator[SessionStore]:
    if kind == "memory":
        backend: SessionStore = MemoryStore(expiry)
    else:
        backend = await RedisStore.connect(redis_server.url, expiry)
        await backend.client.flushdb()  # type: ignore[attr-defined]
    try:
        yield backend
    finally:
        await backend.close()
