"""Sessions in a real Redis shared by several service processes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from tests.api.conftest import b64
from tests.servers import RedisServer, ServiceProcess, free_port

pytestmark = pytest.mark.slow
FPS = 5
# one face for 3 s, nobody for 4 s, two faces for 3 s: no_face then multiple_faces
SCRIPT = ["face1_grace_hopper.jpg"] * 15 + ["empty_chairs_office.jpg"] * 20 + ["faces2_portraits.jpg"] * 15


@pytest.fixture(scope="module")
def frames() -> list[str]:
    cache = {name: b64(name) for name in set(SCRIPT)}
    return [cache[name] for name in SCRIPT]


@pytest.fixture(scope="module")
def redis_persistent() -> Iterator[RedisServer]:
    server = RedisServer(appendonly=True)
    yield server
    server.stop()


def redis_env(redis: RedisServer) -> dict[str, str]:
    return {"SESSION_STORE": "redis", "REDIS_URL": redis.url}


def send(url: str, session_id: str, frame: str, index: int, client: httpx.Client | None = None) -> dict[str, Any]:
    body = {"session_id": session_id, "frame": frame, "timestamp": index / FPS}
    response = (client or httpx).post(f"{url}/analyze-frame", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    events = [(e["type"], e["severity"], e["started_at"], e["ended_at"], e["frames"]) for e in report["events"]]
    summary = {
        k: report["summary"][k]
        for k in ("frames_analyzed", "events_by_type", "verdict", "peak_risk", "share_with_face")
    }
    return {"events": events, "summary": summary}


def run_script(
    urls: list[str], frames: list[str], start: int = 0, session_id: str | None = None
) -> tuple[str, list[dict[str, Any]]]:
    if session_id is None:
        session_id = httpx.post(urls[0] + "/start-session", json={"candidate_id": "shared"}).json()["session_id"]
    results = [send(urls[index % len(urls)], session_id, frames[index], index) for index in range(start, len(frames))]
    return str(session_id), results


def test_two_processes_sharing_redis_give_the_same_report_as_one(redis_server: RedisServer, frames: list[str]) -> None:
    first, second = ServiceProcess(redis_env(redis_server)), ServiceProcess(redis_env(redis_server))
    try:
        alone, _ = run_script([first.url], frames)
        shared, results = run_script([first.url, second.url], frames)
        # each process followed the faces of a frame the other one analysed: the track went through Redis
        assert sum(r["faces"]["followed"] for r in results) >= len(results) // 3
        report_alone = httpx.post(first.url + "/end-session", json={"session_id": alone}).json()
        report_shared = httpx.post(second.url + "/end-session", json={"session_id": shared}).json()
        assert {e[0] for e in comparable(report_alone)["events"]} >= {"no_face", "multiple_faces"}
        assert comparable(report_shared) == comparable(report_alone)
        # the same frames with 8 in flight at once on both processes: analysed in time order, the same report
        racing = httpx.post(first.url + "/start-session", json={"candidate_id": "race"}).json()["session_id"]
        # one client with open connections, as a streaming app has: its requests leave together
        with httpx.Client(limits=httpx.Limits(max_connections=16)) as client, ThreadPoolExecutor(8) as pool:
            urls = [first.url, second.url]
            raced = list(pool.map(lambda i: send(urls[i % 2], racing, frames[i], i, client), range(len(frames))))
        assert sorted(r["frame_index"] for r in raced) == list(range(len(frames)))
        assert [r["frame_index"] for r in sorted(raced, key=lambda r: r["timestamp"])] == list(range(len(frames)))
        report_raced = httpx.post(first.url + "/end-session", json={"session_id": racing}).json()
        assert comparable(report_raced) == comparable(report_alone)
    finally:
        first.stop()
        second.stop()


def test_kill_9_mid_session_then_restart_loses_no_event(redis_persistent: RedisServer, frames: list[str]) -> None:
    reference = ServiceProcess(redis_env(redis_persistent))
    try:
        reference_id, _ = run_script([reference.url], frames)
        expected = comparable(httpx.post(reference.url + "/end-session", json={"session_id": reference_id}).json())
    finally:
        reference.stop()
    port = free_port()
    server = ServiceProcess(redis_env(redis_persistent), port=port)
    session_id = httpx.post(server.url + "/start-session", json={"candidate_id": "crash"}).json()["session_id"]
    cut = 30  # no_face is open at this point
    for index in range(cut):
        send(server.url, session_id, frames[index], index)
    before = httpx.get(f"{server.url}/sessions/{session_id}").json()
    assert any(e["type"] == "no_face" for e in before["open_events"])
    server.kill()
    server.stop()  # closes its log; the process is already gone
    restarted = ServiceProcess(redis_env(redis_persistent), port=port)
    try:
        run_script([restarted.url], frames, start=cut, session_id=session_id)
        report = httpx.post(restarted.url + "/end-session", json={"session_id": session_id}).json()
        assert comparable(report) == expected
    finally:
        restarted.stop()


def test_redis_going_away_answers_503_and_loses_nothing(frames: list[str]) -> None:
    redis = RedisServer(appendonly=True)
    server = ServiceProcess(redis_env(redis))
    try:
        session_id = httpx.post(server.url + "/start-session", json={"candidate_id": "outage"}).json()["session_id"]
        assert send(server.url, session_id, frames[0], 0)["frame_index"] == 0
        redis.crash()
        frame = {"session_id": session_id, "frame": frames[1], "timestamp": 1 / FPS}
        down = httpx.post(f"{server.url}/analyze-frame", json=frame, timeout=60)
        assert down.status_code == 503 and down.json()["error"]["code"] == "store_unavailable"
        assert str(redis.port) not in down.text and "127.0.0.1" not in down.text  # nothing of the infrastructure
        assert int(down.headers["retry-after"]) >= 1
        with connect(server.url.replace("http", "ws") + "/ws/stream") as socket:
            socket.send(json.dumps({"type": "ping"}))  # the limiter lives in Redis; ping fails open
            assert json.loads(socket.recv(timeout=10)) == {"type": "pong"}
            socket.send(json.dumps({"type": "start", "candidate_id": "during"}))
            assert json.loads(socket.recv(timeout=10))["code"] == "store_unavailable"
        assert httpx.get(f"{server.url}/sessions/{session_id}").status_code == 503
        assert httpx.get(server.url + "/ready").status_code == 503
        assert httpx.get(server.url + "/health").status_code == 200
        assert httpx.get(server.url + "/metrics").status_code == 200
        redis.start()
        assert send(server.url, session_id, frames[1], 1)["frame_index"] == 1  # the failed frame wrote nothing
        assert httpx.get(server.url + "/ready").status_code == 200
    finally:
        server.stop()
        redis.stop()


def test_unreachable_redis_fails_start_up_loudly() -> None:
    server = ServiceProcess(
        {"SESSION_STORE": "redis", "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}, wait_ready=False
    )
    try:
        deadline = time.monotonic() + 60
        while server.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server.process.returncode not in (None, 0)
        assert "does not answer" in server.log.read_text()
    finally:
        server.stop()
