"""One suite, every backend: the memory store and a real Redis server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from interview_integrity.analysis.policy import build_policy
from interview_integrity.config import Settings
from interview_integrity.stores.base import (
    Evidence,
    Expiry,
    SessionNotFoundError,
    SessionRecord,
    SessionStore,
    StoreUnavailableError,
)
from interview_integrity.stores.factory import connect
from interview_integrity.stores.memory import MemoryStore
from interview_integrity.stores.redis import RedisStore
from tests.servers import RedisServer, free_port


def record(session_id: str) -> SessionRecord:
    now = time.time()
    return SessionRecord(id=session_id, candidate_id="c1", owner=None, created_at=now, last_seen_at=now,
                         policy=build_policy("standard"))  # fmt: skip


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest, redis_server: RedisServer) -> AsyncIterator[SessionStore]:
    expiry = Expiry(idle_ttl_s=2, retention_s=4)
    if request.param == "memory":
        backend: SessionStore = MemoryStore(expiry)
    else:
        backend = await RedisStore.connect(redis_server.url, expiry)
        await backend.client.flushdb()  # type: ignore[attr-defined]
    yield backend
    await backend.close()


async def test_create_get_delete(store: SessionStore) -> None:
    await store.create(record("a"))
    got = await store.get("a")
    assert got is not None and got.candidate_id == "c1"
    assert await store.get("missing") is None
    assert await store.delete("a") is True
    assert await store.get("a") is None
    assert await store.delete("a") is False


async def test_update_returns_the_result_and_persists(store: SessionStore) -> None:
    await store.create(record("a"))

    def bump(r: SessionRecord) -> int:
        r.next_frame_index += 1
        return r.next_frame_index

    assert await store.update("a", bump) == 1
    assert await store.update("a", bump) == 2
    got = await store.get("a")
    assert got is not None and got.next_frame_index == 2
    with pytest.raises(SessionNotFoundError):
        await store.update("missing", bump)


async def test_concurrent_updates_lose_nothing(store: SessionStore) -> None:
    await store.create(record("a"))

    def bump(r: SessionRecord) -> None:
        r.next_frame_index += 1

    await asyncio.gather(*(store.update("a", bump) for _ in range(50)))
    got = await store.get("a")
    assert got is not None and got.next_frame_index == 50


async def test_idle_sessions_expire_and_ended_ones_are_retained_longer(store: SessionStore) -> None:
    await store.create(record("idle"))
    await store.create(record("ended"))

    def end(r: SessionRecord) -> None:
        r.status = "ended"

    await store.update("ended", end)
    assert await store.count_active() == 1
    await asyncio.sleep(2.6)
    await store.sweep()
    assert await store.get("idle") is None
    assert await store.get("ended") is not None
    assert await store.count_active() == 0
    await asyncio.sleep(2.0)
    assert await store.get("ended") is None


def snapshot(event_id: str, t: float = 1.0) -> Evidence:
    return Evidence(event_id=event_id, event_type="multiple_faces", frame_index=3, timestamp=t, jpeg_base64="AAAA")


async def test_evidence_is_kept_once_per_event_and_goes_with_its_session(store: SessionStore) -> None:
    await store.create(record("a"))
    assert await store.add_evidence("a", snapshot("e1", 2.0), limit=2) is True
    assert await store.add_evidence("a", snapshot("e1", 3.0), limit=2) is False  # the event has its snapshot
    assert await store.add_evidence("a", snapshot("e0", 1.0), limit=2) is True
    assert await store.add_evidence("a", snapshot("e2"), limit=2) is False  # the session holds its limit
    assert [e.event_id for e in await store.evidence("a")] == ["e0", "e1"]  # in time order
    got = await store.get("a")
    assert got is not None and "AAAA" not in got.model_dump_json()  # never inside the record
    await store.delete("a")
    assert await store.evidence("a") == []
    with pytest.raises(SessionNotFoundError):
        await store.add_evidence("a", snapshot("e3"), limit=2)


async def test_evidence_expires_with_its_record(store: SessionStore) -> None:
    await store.create(record("idle"))
    await store.add_evidence("idle", snapshot("e1"), limit=5)
    await asyncio.sleep(2.6)
    await store.sweep()
    assert await store.get("idle") is None and await store.evidence("idle") == []


async def test_redis_turns_are_exclusive_and_in_time_order_across_processes(redis_server: RedisServer) -> None:
    """Two clients stand for two replicas; the memory store leaves ordering to the pipeline's sequencer."""
    stores = [await RedisStore.connect(redis_server.url, Expiry(60, 60)) for _ in range(2)]
    order: list[float] = []
    inside = 0

    async def frame(store: RedisStore, t: float, gather: float) -> None:
        nonlocal inside
        async with store.turn("s", t, gather):
            inside += 1
            assert inside == 1
            order.append(t)
            await asyncio.sleep(0.01)
            inside -= 1

    try:
        times = [i * 0.2 for i in range(8)]
        arrivals = [5, 2, 7, 0, 3, 6, 1, 4]  # the order in which the frames reach the two processes
        await asyncio.gather(
            *(frame(stores[i % 2], times[i], 0.05) for i in arrivals)  # every frame here is a first frame
        )
        assert order == times
    finally:
        for store in stores:
            await store.close()


async def test_ping(store: SessionStore) -> None:
    assert await store.ping() is True


async def test_unreachable_redis_fails_loudly() -> None:
    settings = Settings(session_store="redis", redis_url=f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(StoreUnavailableError, match="does not answer"):
        await connect(settings)


async def test_redis_going_away_is_store_unavailable_for_every_operation() -> None:
    server = RedisServer()
    store = await RedisStore.connect(server.url, Expiry(idle_ttl_s=60, retention_s=60))
    await store.create(record("a"))
    server.crash()
    try:
        operations: dict[str, Callable[[], Awaitable[object]]] = {
            "create": lambda: store.create(record("b")),
            "get": lambda: store.get("a"),
            "update": lambda: store.update("a", lambda r: None),
            "delete": lambda: store.delete("a"),
            "count_active": store.count_active,
            "sweep": store.sweep,
            "add_evidence": lambda: store.add_evidence("a", snapshot("e"), limit=3),
            "evidence": lambda: store.evidence("a"),
        }
        for name, operation in operations.items():
            with pytest.raises(StoreUnavailableError, match="does not answer") as error:
                await operation()
                pytest.fail(f"{name} answered without Redis")
            assert str(server.port) not in error.value.message  # the caller is not told where Redis runs
        assert await store.ping() is False
    finally:
        await store.close()
        server.stop()
