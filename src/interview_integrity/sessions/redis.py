"""Redis store: sessions shared by workers and replicas, expiry by Redis itself.

Updates are optimistic transactions (WATCH / MULTI / EXEC): a write that raced another is retried on
the fresh record, so two frames of the same session on two replicas both land.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import redis.asyncio as aioredis
from redis.exceptions import RedisError, WatchError

from interview_integrity.sessions.base import Expiry, SessionNotFoundError, SessionRecord, StoreUnavailableError

T = TypeVar("T")
_PREFIX = "ii:session:"
_ACTIVE = "ii:active"  # sorted set: session id -> expiry (unix seconds) of active sessions
_MAX_RETRIES = 100


@contextmanager
def answering() -> Iterator[None]:
    """Redis going away mid-request is StoreUnavailableError (503, retry), never an internal error."""
    try:
        yield
    except (RedisError, OSError) as error:
        raise StoreUnavailableError(f"Redis does not answer: {error}") from error


class RedisStore:
    def __init__(self, client: aioredis.Redis, expiry: Expiry) -> None:
        self._redis = client
        self._expiry = expiry

    @classmethod
    async def connect(cls, url: str, expiry: Expiry) -> RedisStore:
        client = aioredis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5)
        try:
            await client.ping()
        except (RedisError, OSError) as error:
            await client.aclose()
            raise StoreUnavailableError(f"SESSION_STORE=redis but Redis at {url} does not answer: {error}") from error
        return cls(client, expiry)

    def _index_active(self, pipe: aioredis.client.Pipeline, record: SessionRecord, ttl: int) -> None:
        if record.status == "active":
            pipe.zadd(_ACTIVE, {record.id: time.time() + ttl})
        else:
            pipe.zrem(_ACTIVE, record.id)

    async def create(self, record: SessionRecord) -> None:
        ttl = self._expiry.ttl(record)
        with answering():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(_PREFIX + record.id, record.model_dump_json(), ex=ttl)
                self._index_active(pipe, record, ttl)
                await pipe.execute()

    async def get(self, session_id: str) -> SessionRecord | None:
        with answering():
            data = await self._redis.get(_PREFIX + session_id)
        return SessionRecord.model_validate_json(data) if data else None

    async def update(self, session_id: str, change: Callable[[SessionRecord], T]) -> T:
        with answering():
            return await self._update(session_id, change)

    async def _update(self, session_id: str, change: Callable[[SessionRecord], T]) -> T:
        key = _PREFIX + session_id
        async with self._redis.pipeline(transaction=True) as pipe:
            for _ in range(_MAX_RETRIES):
                try:
                    await pipe.watch(key)
                    data = await pipe.get(key)
                    if data is None:
                        raise SessionNotFoundError(session_id)
                    record = SessionRecord.model_validate_json(data)
                    result = change(record)
                    ttl = self._expiry.ttl(record)
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.set(key, record.model_dump_json(), ex=ttl)
                    self._index_active(pipe, record, ttl)
                    await pipe.execute()
                    return result
                except WatchError:
                    continue
        raise StoreUnavailableError(f"session {session_id} is updated too often to write; try again")

    async def delete(self, session_id: str) -> bool:
        with answering():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(_PREFIX + session_id)
                pipe.zrem(_ACTIVE, session_id)
                deleted, _ = await pipe.execute()
        return bool(deleted)

    async def count_active(self) -> int:
        with answering():
            return int(await self._redis.zcount(_ACTIVE, time.time(), "+inf"))

    async def sweep(self) -> int:
        # records expire by themselves; only the index of active ones needs trimming
        with answering():
            return int(await self._redis.zremrangebyscore(_ACTIVE, "-inf", time.time()))

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self._redis.aclose()

    @property
    def client(self) -> aioredis.Redis:
        return self._redis
