"""Redis store: sessions shared by workers and replicas, expiry by Redis itself.

Updates are optimistic transactions (WATCH / MULTI / EXEC): a write that raced another is retried on
the fresh record, so two writers of the same session on two replicas both land. A session's evidence
snapshots live in a hash of their own (`ii:evidence:<id>`), written once each and given the record's
expiry with every write of the record.

A frame's answer is kept in the session's answers hash (`ii:answers:<id>`, by frame index) in the same
transaction that applies the frame; the session's place (its last frame's time and usual interval, which
`turn` reads) in `ii:place:<id>`. Both expire with the record. `turn` is redis_turns.py.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

import redis.asyncio as aioredis
from redis.exceptions import RedisError, WatchError

from interview_integrity.stores.base import (
    Answer,
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
from interview_integrity.stores.lines import Company, Window
from interview_integrity.stores.listing import Keys, forget, scan_rows, write
from interview_integrity.stores.redis_turns import LINE, PLACE, TURN, WAITING, RedisTurns

T = TypeVar("T")
log = logging.getLogger("interview_integrity.store")
_PREFIX = "ii:session:"
_EVIDENCE = "ii:evidence:"
_ANSWERS = "ii:answers:"
_ACTIVE = "ii:active"  # sorted set: session id -> expiry (unix seconds) of active sessions
_REMEMBERED = "ii:remember:"
_MAX_RETRIES = 100
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
    def __init__(
        self, client: aioredis.Redis, expiry: Expiry, *, window: Window | None = None, lease_s: float = 3.0
    ) -> None:
        self._redis = client
        self._expiry = expiry
        self._turns = RedisTurns(client, window or Window(), lease_s)

    @classmethod
    async def connect(
        cls, url: str, expiry: Expiry, *, window: Window | None = None, lease_s: float = 3.0
    ) -> RedisStore:
        return cls(await connect_redis(url), expiry, window=window, lease_s=lease_s)

    def _index_active(self, pipe: aioredis.client.Pipeline, record: SessionRecord, ttl: int) -> None:
        """What is kept beside a record, written in the same transaction: its row and its place in the listing
        (listing.py), the index of active sessions, and keys that expire with it."""
        write(pipe, record, record.row(time.time() + ttl))
        session_id = record.id
        if record.status == "active":
            pipe.zadd(_ACTIVE, {session_id: time.time() + ttl})
            pipe.expire(_ANSWERS + session_id, ttl)
            if record.state.last_timestamp is not None:
                place = ["last", repr(record.state.last_timestamp), "interval", repr(record.state.usual_interval)]
                pipe.hset(PLACE + session_id, items=place)
                pipe.expire(PLACE + session_id, ttl)
        else:
            pipe.zrem(_ACTIVE, session_id)
            pipe.delete(_ANSWERS + session_id, PLACE + session_id)  # they served the live session only
        pipe.expire(_EVIDENCE + session_id, ttl)  # the snapshots live exactly as long as their record

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

    async def update(
        self, session_id: str, change: Callable[[SessionRecord], T], keep: Callable[[T], Answer | None] | None = None
    ) -> T:
        with answering():
            return await self._update(session_id, change, keep)

    async def _update(
        self, session_id: str, change: Callable[[SessionRecord], T], keep: Callable[[T], Answer | None] | None
    ) -> T:
        key = _PREFIX + session_id
        async with self._redis.pipeline(transaction=True) as pipe:
            for _ in range(_MAX_RETRIES):
                try:
                    await pipe.watch(key)
                    data = await pipe.get(key)
                    if data is None:
                        raise SessionNotFoundError(session_id)
                    record = SessionRecord.model_validate_json(data)
                    before = {frame.frame_index for frame in record.recent_frames}
                    result = change(record)
                    answer = keep(result) if keep is not None else None
                    ttl = self._expiry.ttl(record)
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.set(key, record.model_dump_json(), ex=ttl)
                    if answer is not None:
                        pipe.hset(_ANSWERS + session_id, str(answer.frame_index), answer.body)
                    dropped = before - {frame.frame_index for frame in record.recent_frames}
                    if dropped and record.status == "active":
                        pipe.hdel(_ANSWERS + session_id, *(str(index) for index in dropped))
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
                pipe.delete(_EVIDENCE + session_id, _ANSWERS + session_id, PLACE + session_id)
                pipe.delete(LINE + session_id, WAITING + session_id, TURN + session_id)
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

    async def answer(self, session_id: str, frame_index: int) -> str | None:
        with answering():
            body = await self._redis.hget(_ANSWERS + session_id, str(frame_index))
        return None if body is None else str(body)

    def turn(
        self, session_id: str, timestamp: float, reorder: bool = True, company: Company | None = None
    ) -> AbstractAsyncContextManager[None]:
        return self._turns.turn(session_id, timestamp, reorder, company)

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
