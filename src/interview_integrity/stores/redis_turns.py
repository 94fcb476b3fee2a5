"""A session's turns across processes and replicas, in Redis: the rule of lines.py, with a lease.

Each frame waiting for its turn is a member of the session's line (a sorted set scored by the frame's time)
and asks again every few milliseconds; each ask says when it arrived and that it still waits. The earliest
waiter takes the session's turn when `Window.ready` lets it, as a lease (`SET PX`) its holder renews every
third of its length while the frame is analysed. So a process that dies mid-frame holds its session for one
lease at most (3 s by default), and its waiting frames leave the line as soon as they stop asking. A frame
whose lease lapsed (its process stopped for longer than a lease) cannot commit a stale result: the frame
path checks that no other frame was applied since its turn began (frames.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis

from interview_integrity.errors import Busy
from interview_integrity.stores.base import StoreUnavailableError
from interview_integrity.stores.connection import answering
from interview_integrity.stores.lines import NEXT_WITHIN, Company, Window

log = logging.getLogger("interview_integrity.store")
LINE, WAITING, TURN, PLACE = "ii:queue:", "ii:waiting:", "ii:turn:", "ii:place:"
TURN_WAIT_S = 10.0  # a frame that waits longer for its turn is answered 503 (the session is busy)
_POLL_S = 0.005  # how often a waiting frame asks; a turn ending in the same process wakes its waiters at once
_LINE_KEEP_S = 60  # a line nobody asks about any more expires

# KEYS: line, waiting, turn, place. ARGV: member, timestamp, reorder (0/1), lease ms, window frames, window ms,
# next within (usual intervals), line expiry s, company (0/1), alone ms. Notes that the member still waits, drops
# members that stopped asking for longer than a lease, then gives the member the turn when it is the earliest and
# the window lets it (the window counts from the first member's arrival or the last turn's end, whichever is
# later; lines.py's `Window.ready`, rule for rule).
_TAKE = """
local FREED = '-freed'
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local lease = tonumber(ARGV[4])
local mine = redis.call('HGET', KEYS[2], ARGV[1])
local arrived = now
if mine then arrived = tonumber(string.match(mine, '^(%d+)')) end
redis.call('HSET', KEYS[2], ARGV[1], arrived .. ' ' .. now)
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[8])
redis.call('EXPIRE', KEYS[2], ARGV[8])
local seen = {}
local flat = redis.call('HGETALL', KEYS[2])
for i = 1, #flat, 2 do seen[flat[i]] = flat[i + 1] end
local waiting, first = 0, now
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local since, last_ask = nil, nil
  if seen[member] then since, last_ask = string.match(seen[member], '^(%d+) (%d+)$') end
  if not last_ask or tonumber(last_ask) + lease < now then
    redis.call('ZREM', KEYS[1], member)
    redis.call('HDEL', KEYS[2], member)
  else
    waiting = waiting + 1
    first = math.min(first, tonumber(since))
  end
end
if redis.call('EXISTS', KEYS[3]) == 1 or redis.call('ZRANGE', KEYS[1], 0, 0)[1] ~= ARGV[1] then return 0 end
if seen[FREED] then first = math.max(first, tonumber(seen[FREED])) end
local ready = ARGV[3] == '0' or waiting >= tonumber(ARGV[5]) or now - first >= tonumber(ARGV[6])
if not ready then
  local place = redis.call('HMGET', KEYS[4], 'last', 'interval')
  local last, interval, at = tonumber(place[1]), tonumber(place[2]), tonumber(ARGV[2])
  if last and at <= last then
    ready = true
  elseif not last or not interval or interval <= 0 then
    ready = waiting == 1 and ARGV[9] == '0' and now - first >= tonumber(ARGV[10])
  else
    ready = at - last <= tonumber(ARGV[7]) * interval
  end
end
if not ready then return 0 end
redis.call('SET', KEYS[3], ARGV[1], 'PX', lease)
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
"""
# KEYS: turn; ARGV: member, lease ms
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# KEYS: line, waiting, turn; ARGV: member, line expiry s. A turn that ends notes when, for the window (`-freed`
# in the waiting hash is no member: members are hex).
_END = """
if redis.call('GET', KEYS[3]) == ARGV[1] then
  redis.call('DEL', KEYS[3])
  local clock = redis.call('TIME')
  redis.call('HSET', KEYS[2], '-freed', tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000))
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
"""


class RedisTurns:
    def __init__(self, client: aioredis.Redis, window: Window, lease_s: float) -> None:
        self._window = window
        self._lease_ms = max(1, round(lease_s * 1000))
        self._take = client.register_script(_TAKE)
        self._renew = client.register_script(_RENEW)
        self._end = client.register_script(_END)
        self._ended: dict[str, asyncio.Event] = {}  # a turn of the session ended in this process

    @asynccontextmanager
    async def turn(
        self, session_id: str, timestamp: float, reorder: bool = True, company: Company | None = None
    ) -> AsyncIterator[None]:
        keys = [LINE + session_id, WAITING + session_id, TURN + session_id]
        member = secrets.token_hex(8)
        window_ms, alone_ms = round(self._window.seconds * 1000), round(self._window.alone_s * 1000)
        ask: list[str | int | float] = [
            member, repr(float(timestamp)), int(reorder), self._lease_ms, self._window.frames, window_ms, NEXT_WITHIN,
            _LINE_KEEP_S, 0, alone_ms,
        ]  # fmt: skip
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TURN_WAIT_S
        task = asyncio.current_task()
        cancels = task.cancelling() if task is not None else 0
        try:
            while True:
                ask[8] = int(company is not None and company())
                with answering():
                    taken = await self._take(keys=[*keys, PLACE + session_id], args=ask)
                if task is not None and task.cancelling() > cancels:
                    # the caller was cancelled (its timeout) but the CancelledError was swallowed on the way, in
                    # the client or a poll (seen under load: the wait ran on to TURN_WAIT_S); honour it now
                    raise asyncio.CancelledError
                if taken:
                    break
                if loop.time() > deadline:
                    raise Busy("the session is busy with its other frames; retry shortly", retry_after=1)
                ended = self._ended.setdefault(session_id, asyncio.Event())
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(_POLL_S):
                        await ended.wait()
            renewing = asyncio.create_task(self._keep(keys[2], member))
            try:
                yield
            finally:
                renewing.cancel()
        finally:
            try:
                with answering():
                    await self._end(keys=keys, args=[member, _LINE_KEEP_S])
            except StoreUnavailableError:
                pass  # the turn lapses by itself within a lease
            woken = self._ended.pop(session_id, None)
            if woken is not None:
                woken.set()

    async def _keep(self, turn: str, member: str) -> None:
        """Renew the lease every third of it while the frame is analysed."""
        while True:
            await asyncio.sleep(self._lease_ms / 3000)
            try:
                with answering():
                    if not await self._renew(keys=[turn], args=[member, self._lease_ms]):
                        log.warning("a session's turn lapsed while its frame was analysed")
                        return
            except StoreUnavailableError:
                continue  # Redis away for a moment: the next renewal may still come in time
