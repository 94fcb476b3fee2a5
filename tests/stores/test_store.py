"""One suite, every backend: the memory store and a real Redis server."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from interview_integrity.analysis.policy import build_policy
from interview_integrity.config import Settings
from interview_integrity.stores.base import (
    Answer,
    Evidence,
    Expiry,
    RecentFrame,
    SessionNotFoundError,
    SessionRecord,
    SessionStore,
    StoreUnavailableError,
)
from interview_integrity.stores.factory import connect
from interview_integrity.stores.redis import RedisStore
from tests.servers import RedisServer, free_port
from tests.stores.conftest import KINDS, opened


def record(session_id: str) -> SessionRecord:
    now = time.time()
    return SessionRecord(id=session_id, candidate_id="c1", owner=None, created_at=now, last_seen_at=now,
                         policy=build_policy("standard"))  # fmt: skip


@pytest.fixture(params=KINDS)
async def store(request: pytest.FixtureRequest, redis_server: RedisServer) -> AsyncIterator[SessionStore]:
    async with opened(request.param, redis_server, Expiry(idle_ttl_s=2, retention_s=4)) as backend:
        yield backend


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


def applied(record: SessionRecord, t: float) -> None:
    """What applying a frame at `t` does to the record, as far as a turn reads it."""
    state = record.state
    if state.last_timestamp is not None:
        state.usual_interval = round(t - state.last_timestamp, 4)
    state.last_timestamp = t


async def test_frames_released_together_take_turns_in_time_order(store: SessionStore) -> None:
    await store.create(record("s"))
    order: list[float] = []
    inside = 0

    async def frame(t: float, delay: float) -> None:
        nonlocal inside
        await asyncio.sleep(delay)
        async with store.turn("s", t):
            inside += 1
            assert inside == 1
            order.append(t)
            await store.update("s", lambda r: applied(r, t))
            inside -= 1

    await frame(0.0, 0)  # the session's first frame, alone: it waits the window out
    times = [i * 0.2 for i in range(1, 9)]
    arrivals = [5, 2, 7, 0, 3, 6, 1, 4]  # the order in which the burst's frames reach the server
    started = time.monotonic()
    await asyncio.gather(*(frame(times[i], n * 0.003) for n, i in enumerate(arrivals)))
    assert order == [0.0, *times]
    assert time.monotonic() - started < 0.45  # eight waited: the window was full and nobody waited it out
    # in order, one after another: no frame waits
    started = time.monotonic()
    for t in (1.8, 2.0, 2.2):
        await frame(t, 0)
    assert time.monotonic() - started < 0.3


async def test_frames_queued_behind_a_slow_frame_still_wait_for_an_earlier_one(store: SessionStore) -> None:
    """The window counts from the last turn's end: frames that waited behind a slow frame have not waited for
    the gap before them to fill."""
    await store.create(record("s"))
    await store.update("s", lambda r: applied(r, 0.8))
    await store.update("s", lambda r: applied(r, 1.0))
    order: list[float] = []

    async def frame(t: float, delay: float, hold: float = 0.0) -> None:
        await asyncio.sleep(delay)
        async with store.turn("s", t):
            order.append(t)
            await asyncio.sleep(hold)
            await store.update("s", lambda r: applied(r, t))

    await asyncio.gather(
        frame(1.2, 0.0, hold=0.8),  # slower than the window
        frame(1.6, 0.05),  # queued behind it: 1.4 is on its way
        frame(1.4, 0.9),  # arrives just after the slow frame ended
    )
    assert order == [1.2, 1.4, 1.6]


async def test_a_lone_first_frame_goes_without_the_window_and_racing_ones_line_up(store: SessionStore) -> None:
    order: list[float] = []

    async def frame(session_id: str, t: float, delay: float = 0.0, company: bool = False) -> float:
        await asyncio.sleep(delay)
        arrived = time.monotonic()
        async with store.turn(session_id, t, company=lambda: company):
            order.append(t)
            await store.update(session_id, lambda r: applied(r, t))
        return time.monotonic() - arrived

    await store.create(record("s"))
    assert await frame("s", 0.4) < 0.3  # alone: not the 0.5 s window
    assert await frame("s", 0.6) < 0.3  # the second frame too (no usual interval yet)
    # a new session's first frames sent together, the later one a little ahead: they wait for each other
    await store.create(record("t"))
    order.clear()
    await asyncio.gather(frame("t", 0.4), frame("t", 0.2, delay=0.01))
    assert order == [0.2, 0.4]
    # a first frame with another frame of its session on its way (not in line yet) waits the window out
    await store.create(record("u"))
    assert 0.45 < await frame("u", 1.0, company=True) < 2.0


async def test_redis_turns_are_exclusive_and_in_time_order_across_processes(redis_server: RedisServer) -> None:
    """Two clients stand for two replicas, each receiving half of a burst."""
    stores = [await RedisStore.connect(redis_server.url, Expiry(60, 60)) for _ in range(2)]
    await stores[0].client.flushdb()  # type: ignore[misc]
    await stores[0].create(record("s"))
    order: list[float] = []
    inside = 0

    async def frame(store: RedisStore, t: float, delay: float) -> None:
        nonlocal inside
        await asyncio.sleep(delay)
        async with store.turn("s", t):
            inside += 1
            assert inside == 1
            order.append(t)
            await store.update("s", lambda r: applied(r, t))
            await asyncio.sleep(0.01)
            inside -= 1

    try:
        for burst in range(3):
            times = [burst * 1.6 + i * 0.2 for i in range(8)]
            arrivals = [5, 2, 7, 0, 3, 6, 1, 4]
            await asyncio.gather(*(frame(stores[i % 2], times[i], n * 0.003) for n, i in enumerate(arrivals)))
        assert order == sorted(order) and len(order) == 24
    finally:
        for store in stores:
            await store.close()


_HOLD = """
import asyncio, sys
from interview_integrity.stores.base import Expiry
from interview_integrity.stores.redis import RedisStore

async def main():
    store = await RedisStore.connect(sys.argv[1], Expiry(60, 60), lease_s=2.0)
    async with store.turn("s", 1.0, reorder=False):
        print("held", flush=True)
        await asyncio.sleep(60)

asyncio.run(main())
"""


async def test_a_dead_processs_turn_lapses_within_its_lease(redis_server: RedisServer) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, redis_server.url], stdout=subprocess.PIPE, text=True)
    store = await RedisStore.connect(redis_server.url, Expiry(60, 60), lease_s=2.0)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        await asyncio.sleep(2.5)  # longer than a lease: the living holder renews it
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.5), store.turn("s", 2.0, reorder=False):
                pass
        holder.kill()  # kill -9: the process never gives the turn back
        holder.wait()
        killed = time.monotonic()
        async with store.turn("s", 2.0, reorder=False):
            waited = time.monotonic() - killed
        assert waited < 3.0, f"the dead holder's turn lasted {waited:.2f} s after the kill (a 2 s lease)"
    finally:
        holder.kill()
        holder.communicate()
        await store.close()


async def test_a_frames_answer_is_kept_beside_its_session_while_the_frame_is_recent(store: SessionStore) -> None:
    await store.create(record("a"))

    def frame(index: int) -> Callable[[SessionRecord], int]:
        def change(r: SessionRecord) -> int:
            r.recent_frames = [*r.recent_frames, RecentFrame(frame_index=index, timestamp=index / 5)][-2:]
            return index

        return change

    for index in range(3):
        await store.update("a", frame(index), lambda index: Answer(index, f'{{"frame": {index}}}'))
    assert await store.answer("a", 0) is None  # no longer among the two recent frames
    assert await store.answer("a", 2) == '{"frame": 2}'
    assert await store.update("a", lambda r: None, lambda _: None) is None  # an update without an answer keeps them
    assert await store.answer("a", 1) == '{"frame": 1}'

    def end(r: SessionRecord) -> None:
        r.status = "ended"

    await store.update("a", end)
    assert await store.answer("a", 2) is None  # they served the live session only
    await store.create(record("b"))
    await store.update("b", frame(0), lambda index: Answer(index, "{}"))
    await store.delete("b")
    assert await store.answer("b", 0) is None


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
