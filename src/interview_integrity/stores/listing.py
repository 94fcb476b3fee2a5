"""Listing sessions from Redis: each owner's sessions are indexed by time, and by candidate, verdict, status
and whether a reviewer decided; a script walks the smallest index that a query names, newest first, and
filters the rows in Redis.

The indexes are sorted sets (session id -> created_at) written in the same transaction as the record and its
row (`write`). Each call of the script looks at a bounded number of sessions (`_BUDGET`), so a query whose
index holds 10,000 sessions and matches none holds Redis a few milliseconds at a time, never for the whole
walk; only the rows that match, or that need a look (an expired session, one written before rows existed),
cross the network.
"""

from __future__ import annotations

import time
from typing import get_args

import redis.asyncio as aioredis

from interview_integrity.analysis.scoring import Verdict
from interview_integrity.stores.base import Cursor, RowQuery, SessionRecord, SessionRow, SessionStatusName

_BUDGET = 1000  # sessions one script call looks at: about 2 ms of Redis's time
_MISSING = "?"  # an item that starts with it names a session whose row must be read from its record

# KEYS: the owner's index (sorted set id -> created_at), the owner's rows (hash id -> row JSON)
# ARGV: top score (inclusive), id after which a session at exactly the top score counts ('' = every one),
#       bottom score (inclusive), matches wanted, sessions to look at, now (Unix s),
#       candidate_id, status, verdict, reviewed ('1', '0'); '' = any
# Returns {items in index order (row JSON, or '?' .. id), last score looked at, its id} or, when the index
# has nothing more, {items, false, false}.
_SCAN = """
local top, after_id, bottom = ARGV[1], ARGV[2], ARGV[3]
local want, budget, now = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local candidate, status, verdict, reviewed = ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local top_n = tonumber(top)
local items, matched, looked, offset = {}, 0, 0, 0
while true do
  local batch = redis.call('ZREVRANGEBYSCORE', KEYS[1], top, bottom, 'WITHSCORES', 'LIMIT', offset, 250)
  if #batch == 0 then return {items, false, false} end
  for i = 1, #batch, 2 do
    local id, score = batch[i], batch[i + 1]
    offset = offset + 1
    if after_id == '' or tonumber(score) ~= top_n or id < after_id then
      looked = looked + 1
      local raw = redis.call('HGET', KEYS[2], id)
      local row = raw and cjson.decode(raw)
      if not row or row.expires_at < now then
        items[#items + 1] = '?' .. id
      elseif (candidate == '' or row.candidate_id == candidate) and (status == '' or row.status == status)
          and (verdict == '' or row.verdict == verdict)
          and (reviewed == '' or (row.decision ~= cjson.null) == (reviewed == '1')) then
        items[#items + 1] = raw
        matched = matched + 1
      end
      if matched >= want or looked >= budget then return {items, score, id} end
    end
  end
end
"""


class Keys:
    """An owner's listing keys."""

    def __init__(self, owner: str | None) -> None:
        self.all = "ii:owner:" + (owner or "-")  # every session of the owner
        self.rows = "ii:rows:" + (owner or "-")  # hash: session id -> its row
        self.reviewed = self.all + ":reviewed"

    def candidate(self, candidate_id: str) -> str:
        return f"{self.all}:candidate:{candidate_id}"

    def verdict(self, verdict: str) -> str:
        return f"{self.all}:verdict:{verdict}"

    def status(self, status: str) -> str:
        return f"{self.all}:status:{status}"

    def named(self, query: RowQuery) -> list[str]:
        """The indexes that hold every session the query can match (the one of all sessions first)."""
        named = [self.all]
        if query.candidate_id is not None:
            named.append(self.candidate(query.candidate_id))
        if query.reviewed:
            named.append(self.reviewed)
        if query.verdict is not None:
            named.append(self.verdict(query.verdict))
        if query.status is not None:
            named.append(self.status(query.status))
        return named

    def every(self, row: SessionRow) -> list[str]:
        """Every index the session may be in."""
        return [self.all, self.reviewed, self.candidate(row.candidate_id), *map(self.verdict, _VERDICTS),
                *map(self.status, _STATUSES)]  # fmt: skip


_VERDICTS: tuple[str, ...] = get_args(Verdict)
_STATUSES: tuple[str, ...] = get_args(SessionStatusName)


def write(pipe: aioredis.client.Pipeline, record: SessionRecord, row: SessionRow) -> None:
    """Queue the session's row and its place in each index (in the record's transaction)."""
    keys, member = Keys(record.owner), {record.id: record.created_at}
    pipe.hset(keys.rows, record.id, row.model_dump_json())
    pipe.zadd(keys.all, member)
    pipe.zadd(keys.candidate(record.candidate_id), member)
    placed = {keys.verdict(row.verdict), keys.status(row.status), *([keys.reviewed] if row.decision else [])}
    for key in [keys.reviewed, *map(keys.verdict, _VERDICTS), *map(keys.status, _STATUSES)]:
        if key in placed:
            pipe.zadd(key, member)
        else:
            pipe.zrem(key, record.id)


def forget(pipe: aioredis.client.Pipeline, keys: Keys, row: SessionRow) -> None:
    """Queue the session's removal from its owner's listing."""
    pipe.hdel(keys.rows, row.id)
    for key in keys.every(row):
        pipe.zrem(key, row.id)


async def scan_rows(
    redis: aioredis.Redis, owner: str | None, record_prefix: str, query: RowQuery, before: Cursor | None, count: int
) -> tuple[list[SessionRow], Cursor | None]:
    """Up to `count` matching rows, newest first, strictly before `before`, and where the next page starts."""
    keys = Keys(owner)
    named = keys.named(query)
    index = named[0]
    if len(named) > 1:  # walk the smallest of them: live sessions of one verdict are found among the live ones
        async with redis.pipeline(transaction=False) as pipe:
            for key in named:
                pipe.zcard(key)
            sizes = await pipe.execute()
        index = min(zip(sizes, named, strict=True))[1]
    top, after = ("+inf", "") if before is None else (repr(before[0]), before[1])
    if query.created_to is not None and (before is None or query.created_to < before[0]):
        top, after = repr(query.created_to), ""
    bottom = "-inf" if query.created_from is None else repr(query.created_from)
    filters = [query.candidate_id or "", query.status or "", query.verdict or ""]
    filters.append("" if query.reviewed is None else "1" if query.reviewed else "0")
    found: list[SessionRow] = []
    while True:
        items, score, last = await redis.eval(
            _SCAN, 2, index, keys.rows, top, after, bottom, count - len(found), _BUDGET, time.time(), *filters
        )
        for item in items:
            row = await _from_record(redis, keys, index, record_prefix, item[1:]) if item[0] == _MISSING else None
            if item[0] != _MISSING:
                row = SessionRow.model_validate_json(item)
            if row is not None and query.matches(row):
                found.append(row)
                if len(found) == count:
                    return found, row.key
        if not score:
            return found, None
        top, after = str(score), str(last)


async def _from_record(
    redis: aioredis.Redis, keys: Keys, index: str, prefix: str, session_id: str
) -> SessionRow | None:
    """The row of a session whose row is missing (written before rows existed) or past its expiry; None when the
    session is gone, which its owner's listing then forgets."""
    data = await redis.get(prefix + session_id)
    if data is None:
        stale = await redis.hget(keys.rows, session_id)
        async with redis.pipeline(transaction=True) as pipe:
            if stale is not None:
                forget(pipe, keys, SessionRow.model_validate_json(stale))
            pipe.zrem(index, session_id)
            pipe.zrem(keys.all, session_id)
            pipe.hdel(keys.rows, session_id)
            await pipe.execute()
        return None
    ttl = await redis.ttl(prefix + session_id)
    record = SessionRecord.model_validate_json(data)
    row = record.row(time.time() + max(0, ttl))
    async with redis.pipeline(transaction=True) as pipe:
        write(pipe, record, row)
        await pipe.execute()
    return row
