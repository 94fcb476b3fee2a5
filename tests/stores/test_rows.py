"""Listing rows, on every backend: filters, newest first, cursors, tenants, expiry, and rows kept with records."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import build_policy
from interview_integrity.stores.base import Expiry, Review, RowQuery, SessionRecord, SessionStore
from interview_integrity.stores.redis import RedisStore
from tests.servers import RedisServer
from tests.stores.conftest import KINDS, opened

T0 = 1_700_000_000.0


def record(session_id: str, created_at: float, candidate: str = "c1", owner: str | None = None) -> SessionRecord:
    return SessionRecord(id=session_id, candidate_id=candidate, owner=owner, created_at=created_at,
                         last_seen_at=created_at, policy=build_policy("standard"))  # fmt: skip


def with_events(r: SessionRecord, severities: list[str], peak: float) -> SessionRecord:
    r.state.events = [
        Event(id=f"e{i + 1}", type="multiple_faces", category="identity", severity=s, confidence=0.9, started_at=i)  # type: ignore[arg-type]
        for i, s in enumerate(severities)
    ]
    r.state.risk.peak = peak
    r.state.first_timestamp, r.state.last_timestamp, r.state.frames = 0.0, 12.5, 40
    return r


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, redis_server: RedisServer) -> AsyncIterator[SessionStore]:
    async with opened(request.param, redis_server, Expiry(idle_ttl_s=2, retention_s=60)) as backend:
        yield backend


async def ids(store: SessionStore, query: RowQuery, owner: str | None = None, count: int = 100) -> list[str]:
    rows, _ = await store.rows(owner, query, None, count)
    return [row.id for row in rows]


async def test_rows_are_filtered_newest_first_and_follow_their_records(store: SessionStore) -> None:
    await store.create(record("clear-old", T0, "ana"))
    await store.create(with_events(record("review", T0 + 10, "ben"), ["high"], 20.0))
    await store.create(with_events(record("high", T0 + 20, "ana"), ["high", "high"], 80.0))
    await store.create(record("other-tenant", T0 + 30, "ana", owner="tenant-b"))
    assert await ids(store, RowQuery()) == ["high", "review", "clear-old"]
    assert await ids(store, RowQuery(), owner="tenant-b") == ["other-tenant"]
    assert await ids(store, RowQuery(candidate_id="ana")) == ["high", "clear-old"]
    assert await ids(store, RowQuery(verdict="review")) == ["review"]
    assert await ids(store, RowQuery(verdict="high_risk")) == ["high"]
    assert await ids(store, RowQuery(created_from=T0 + 10, created_to=T0 + 20)) == ["high", "review"]
    assert await ids(store, RowQuery(reviewed=False)) == ["high", "review", "clear-old"]
    rows, _ = await store.rows(None, RowQuery(verdict="high_risk"), None, 5)
    assert rows[0].events == 2 and rows[0].peak_risk == 80.0 and rows[0].duration_s == 12.5 and rows[0].frames == 40

    def decide(r: SessionRecord) -> None:
        r.reviews.append(Review(id="r1", event_id="e1", decision="dismissed", reviewer="ana", created_at=T0))
        r.reviews.append(Review(id="r2", event_id=None, decision="confirmed", reviewer="ana", created_at=T0))
        r.status, r.ended_at = "ended", T0 + 40

    await store.update("high", decide)  # the row is rewritten with its record
    assert await ids(store, RowQuery(reviewed=True)) == ["high"]
    assert await ids(store, RowQuery(reviewed=False)) == ["review", "clear-old"]
    assert await ids(store, RowQuery(status="ended")) == ["high"]
    [row], _ = await store.rows(None, RowQuery(reviewed=True), None, 5)
    assert row.decision == "confirmed" and row.decided_events == 1 and row.ended_at == T0 + 40
    await store.delete("review")
    assert await ids(store, RowQuery()) == ["high", "clear-old"]


async def test_a_cursor_pages_through_every_match_once(store: SessionStore) -> None:
    for i in range(25):  # two at each time: the id breaks the tie
        await store.create(record(f"s{i:02d}", T0 + i // 2, "ana" if i % 3 else "ben"))
    seen: list[str] = []
    cursor = None
    while True:
        rows, cursor = await store.rows(None, RowQuery(candidate_id="ana"), cursor, 4)
        seen += [row.id for row in rows]
        if cursor is None:
            break
    expected = sorted((f"s{i:02d}" for i in range(25) if i % 3), key=lambda s: (T0 + int(s[1:]) // 2, s))[::-1]
    assert seen == expected


async def test_expired_sessions_leave_the_list(store: SessionStore) -> None:
    now = time.time()
    await store.create(record("idle", now))
    await asyncio.sleep(2.6)
    await store.sweep()
    assert await ids(store, RowQuery()) == []


async def test_redis_lists_sessions_written_before_rows_existed(redis_server: RedisServer) -> None:
    backend = await RedisStore.connect(redis_server.url, Expiry(idle_ttl_s=60, retention_s=60))
    await backend.client.flushdb()
    try:
        await backend.create(with_events(record("old", T0), ["high", "high"], 70.0))
        await backend.create(record("gone", T0 + 1))
        newer = [key async for key in backend.client.scan_iter("ii:owner:-:*")]
        await backend.client.delete("ii:rows:-", *newer)  # as an older version left them: records and one index
        await backend.client.delete("ii:session:gone")  # expired: only its index entry is left
        assert await ids(backend, RowQuery()) == ["old"]
        assert await backend.client.hexists("ii:rows:-", "old")  # written on the way
        assert await backend.client.zscore("ii:owner:-", "gone") is None  # and the listing forgot the expired one
        assert await ids(backend, RowQuery(verdict="high_risk")) == ["old"]  # now in the newer indexes too
    finally:
        await backend.close()
