"""Redis store: sessions shared by workers and replicas, expiry by Redis itself.

Updates are optimistic transactions (WATCH / MULTI / EXEC): a write that raced another is retried on
the fresh record, so two writers of the same session on two replicas both land. A session's evidence
snapshots live in a hash of their own (`ii:evidence:<id>`), written once each and given the record's
expiry with every write of the record.

`turn` orders a session's frames across replicas: each frame waiting for its turn is a member of the
session's queue (a sorted set scored by the frame's time), and the frame at the head of the queue takes
the session's lock. A waiter that died leaves its member behind only until the member's deadline; a
holder that died, its lock only until the lock's expiry.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import redis.asyncio as aioredis
from redis.exceptions import RedisError, WatchError

from interview_integrity.errors import Busy
from interview_integrity.stores.base import (
    Cursor,
    Evidence,
    Expiry,
    RowQuery,
    SessionNotFoundError,
    SessionRecord,
    SessionRow,
    StoreUnavailableError,
)
from interview_integrity.stores.connection import answering, connect_redis
from interview_integrity.stores.listing import Keys, forget, scan_rows, write

T = TypeVar("T")
log = logging.getLogger("interview_integrity.store")
_PREFIX = "ii:session:"
_EVIDENCE = "ii:evidence:"
_QUEUE, _LOCK = "ii:queue:", "ii:turn:"
_ACTIVE = "ii:active"  # sorted set: session id -> expiry (unix seconds) of active sessions
_REMEMBERED = "ii:remember:"
_MAX_RETRIES = 100
_TURN_WAIT_S = 20.0  # a frame that waits longer for its turn is refused (503) and its member expires
_TURN_HOLD_MS = 30_000  # a holder that died releases the session after this
_TURN_POLL_S = 0.003

# KEYS: queue, lock; ARGV: member, lock ttl ms. Drops members past their deadline from the head, then takes the
# lock when the member is at the head and the lock is free. Members are "<deadline ms>:<token>".
_TAKE_TURN = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
while head do
  local deadline = tonumber(string.match(head, '^(%d+):'))
  if deadline and deadline < now_ms and head ~= ARGV[1] then
    redis.call('ZREM', KEYS[1], head)
    head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  else
    break
  end
end
if head == ARGV[1] and redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
"""
_END_TURN = """
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
"""
# KEYS: evidence hash; ARGV: event id, snapshot JSON, limit, ttl s
_ADD_EVIDENCE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""


class RedisStore:
    def __init__(self, client: aioredis.Redis, expiry: Expiry) -> None:
        self._redis = client
        self._expiry = expiry

    @classmethod
    async def connect(cls, url: str, expiry: Expiry) -> RedisStore:
        return cls(await connect_redis(url), expiry)

    def _index_active(self, pipe: aioredis.client.Pipeline, record: SessionRecord, ttl: int) -> None:
        """What is kept beside a record, written in the same transaction: its row and its place in the listing
        (listing.py), the index of active sessions, its evidence's expiry."""
        write(pipe, record, record.row(time.time() + ttl))
        if record.status == "active":
            pipe.zadd(_ACTIVE, {record.id: time.time() + ttl})
        else:
            pipe.zrem(_ACTIVE, record.id)
        pipe.expire(_EVIDENCE + record.id, ttl)  # the snapshots live exactly as long as their record

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
            record = await self.get(session_id)
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(_PREFIX + session_id)
                pipe.delete(_EVIDENCE + session_id)
                pipe.zrem(_ACTIVE, session_id)
                if record is not None:
                    forget(pipe, Keys(record.owner), record.row(0.0))
                deleted = (await pipe.execute())[0]
        return bool(deleted)

    async def rows(
        self, owner: str | None, query: RowQuery, before: Cursor | None, count: int
    ) -> tuple[list[SessionRow], Cursor | None]:
        with answering():
            return await scan_rows(self._redis, owner, _PREFIX, query, before, count)

    async def remember(self, key: str, value: str, ttl_s: int) -> str | None:
        with answering():
            kept = await self._redis.set(_REMEMBERED + key, value, ex=ttl_s, nx=True, get=True)
        return None if kept is None else str(kept)

    async def add_evidence(self, session_id: str, evidence: Evidence, limit: int) -> bool:
        with answering():
            ttl = await self._redis.ttl(_PREFIX + session_id)
            if ttl is None or ttl < 0:
                raise SessionNotFoundError(session_id)
            kept = await self._redis.eval(
                _ADD_EVIDENCE, 1, _EVIDENCE + session_id, evidence.event_id, evidence.model_dump_json(), limit, ttl
            )
        return bool(kept)

    async def evidence(self, session_id: str) -> list[Evidence]:
        with answering():
            items = await self._redis.hvals(_EVIDENCE + session_id)
        snapshots = [Evidence.model_validate_json(item) for item in items]
        return sorted(snapshots, key=lambda e: (e.timestamp, e.frame_index))

    @asynccontextmanager
    async def turn(self, session_id: str, timestamp: float, gather_s: float = 0.0) -> AsyncIterator[None]:
        queue, lock = _QUEUE + session_id, _LOCK + session_id
        deadline = time.time() + _TURN_WAIT_S
        member = f"{int(deadline * 1000)}:{secrets.token_hex(8)}"
        with answering():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zadd(queue, {member: timestamp})
                pipe.expire(queue, int(_TURN_WAIT_S) * 2)
                await pipe.execute()
        try:
            if gather_s > 0:
                await asyncio.sleep(gather_s)  # the session's first frames, sent together to several replicas, line up
            while True:
                with answering():
                    taken = await self._redis.eval(_TAKE_TURN, 2, queue, lock, member, _TURN_HOLD_MS)
                if taken:
                    break
                if time.time() > deadline:
                    raise Busy("frames of this session waited too long for their turn; send fewer at once")
                await asyncio.sleep(_TURN_POLL_S)
            yield
        finally:
            with answering():
                await self._redis.eval(_END_TURN, 2, queue, lock, member)

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
