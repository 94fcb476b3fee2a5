"""One suite, every backend: the memory store and a real Redis server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from interview_integrity.analysis.policy import build_policy
from interview_integrity.config import Settings
from interview_integrity.sessions.base import (
    Expiry,
    SessionNotFoundError,
    SessionRecord,
    SessionStore,
    StoreUnavailableError,
)
from interview_integrity.sessions.factory import build_store
from interview_integrity.sessions.memory import MemoryStore
from interview_integrity.sessions.redis import RedisStore
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


async def test_ping(store: SessionStore) -> None:
    assert await store.ping() is True


async def test_unreachable_redis_fails_loudly() -> None:
    settings = Settings(session_store="redis", redis_url=f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(StoreUnavailableError, match="does not answer"):
        await build_store(settings)


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
        }
        for name, operation in operations.items():
            with pytest.raises(StoreUnavailableError, match="does not answer"):
                await operation()
                pytest.fail(f"{name} answered without Redis")
        assert await store.ping() is False
    finally:
        await store.close()
        server.stop()
