"""An operator's chaos test: real service processes sharing a real Redis with an append-only file, killed
with SIGKILL before, during and after a frame's commit; the client sends again what was not answered, and the
session's report must be the report of a clean run. Bursts of frames released together, with one replica and
two, and frames sent twice, must change nothing either. Loopback only; every wait is bounded."""

from __future__ import annotations

import base64
import json
import random
import select
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import cv2
import httpx
import pytest
import redis

from interview_integrity.vision.video import sample_frames
from tests.conftest import DATA
from tests.servers import RedisServer, ServiceProcess

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]
FPS = 5
LEASE_S = 3.0  # the default turn lease (FRAMES__TURN_LEASE_S)


@dataclass
class Frame:
    timestamp: float
    jpeg_base64: str

    def body(self, session_id: str, **extra: Any) -> dict[str, Any]:
        return {"session_id": session_id, "frame": self.jpeg_base64, "timestamp": self.timestamp, **extra}


@pytest.fixture(scope="module")
def frames() -> list[Frame]:
    """Two real clips at 5 fps, one after the other on one clock: two faces (multiple_faces), then one."""
    found: list[Frame] = []
    for video, count in (("vid_two_faces_books.mp4", 20), ("vid_webcam_normal.mp4", 20)):
        for n, (_, image) in enumerate(sample_frames(DATA / video, FPS)):
            if n == count:
                break
            jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()
            found.append(Frame(round(len(found) / FPS, 3), base64.b64encode(jpeg).decode()))
    return found


@pytest.fixture(scope="module")
def redis_aof() -> Iterator[RedisServer]:
    server = RedisServer(appendonly=True)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def replicas(redis_aof: RedisServer) -> Iterator[list[ServiceProcess]]:
    started = [ServiceProcess(redis_env(redis_aof)) for _ in range(2)]
    yield started
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def clean(replicas: list[ServiceProcess], frames: list[Frame]) -> dict[str, Any]:
    """The report of the frames sent one by one, nothing going wrong."""
    session_id = start(replicas[0].url, "clean")
    for frame in frames:
        answered(httpx.post(replicas[0].url + "/analyze-frame", json=frame.body(session_id), timeout=60))
    return end(replicas[0].url, session_id)


def redis_env(redis_server: RedisServer) -> dict[str, str]:
    return {"SESSION_STORE": "redis", "REDIS_URL": redis_server.url}


def start(url: str, candidate: str) -> str:
    return str(httpx.post(url + "/start-session", json={"candidate_id": candidate}, timeout=30).json()["session_id"])


def end(url: str, session_id: str) -> dict[str, Any]:
    return comparable(httpx.post(url + "/end-session", json={"session_id": session_id}, timeout=30).json())


def answered(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """The report without what differs between any two sessions (ids, wall-clock times)."""
    events = [{k: v for k, v in e.items() if k != "id"} for e in report["events"]]
    summary = {k: v for k, v in report["summary"].items() if k != "explanation"}
    return {"events": events, "summary": summary, "risk_timeline": report["risk_timeline"],
            "stream": report["stream"], "verdict": report["verdict"]}  # fmt: skip


@dataclass
class Client:
    """Sends a frame until it is answered: after a 503 it waits as long as Retry-After says, after a dropped
    connection a moment. It notes every 503."""

    unavailable: list[httpx.Response] = field(default_factory=list)

    def send(self, url: str, body: dict[str, Any], within_s: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + within_s
        while True:
            try:
                response = httpx.post(url + "/analyze-frame", json=body, timeout=within_s)
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code != 503:
                return answered(response)
            if response is not None:
                self.unavailable.append(response)
            assert time.monotonic() < deadline, f"no answer within {within_s} s"
            time.sleep(float(response.headers.get("retry-after", 5)) if response is not None else 0.2)


def unanswered(server: ServiceProcess, body: dict[str, Any]) -> socket.socket:
    """A request sent on a socket of its own, its answer left unread."""
    data = json.dumps(body).encode()
    head = (f"POST /analyze-frame HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode()  # fmt: skip
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    connection.sendall(head + data)
    return connection


def kill_before(server: ServiceProcess, **_: Any) -> None:
    server.kill()


def kill_during(server: ServiceProcess, body: dict[str, Any], store: redis.Redis) -> None:
    """SIGKILL while the frame holds its session's turn (it is being analysed)."""
    connection = unanswered(server, body)
    deadline = time.monotonic() + 20
    while not store.exists(f"ii:turn:{body['session_id']}"):
        assert time.monotonic() < deadline, "the frame never took its turn"
        time.sleep(0.001)
    server.kill()
    connection.close()


def kill_after(server: ServiceProcess, body: dict[str, Any], **_: Any) -> None:
    """SIGKILL once the answer is on its way: the frame was committed, and its 200 never arrives."""
    connection = unanswered(server, body)
    assert select.select([connection], [], [], 30)[0], "no answer within 30 s"
    server.kill()
    connection.close()


def restart(server: ServiceProcess) -> ServiceProcess:
    server.stop()
    return ServiceProcess(server.env, port=server.port, wait_ready=False)


def test_kill_9_before_during_and_after_a_commit_counts_every_frame_once(
    replicas: list[ServiceProcess], redis_aof: RedisServer, frames: list[Frame], clean: dict[str, Any]
) -> None:
    store = redis.Redis.from_url(redis_aof.url)
    client = Client()
    current, spare = replicas
    session_id = start(current.url, "chaos")
    kills = {6: kill_before, 14: kill_during, 22: kill_after, 30: kill_during}
    answers: list[dict[str, Any]] = []
    stalls: dict[str, float] = {}
    try:
        for index, frame in enumerate(frames):
            body = frame.body(session_id)
            kill = kills.get(index)
            if kill is None:
                answers.append(client.send(current.url, body))
                continue
            spare.wait_ready()  # the replica killed last time is back
            kill(current, body=body, store=store)
            killed = time.monotonic()
            if index == 30:
                # one replica alone: the session answers within 5 s of the restart
                current = restart(current)
                current.wait_ready()
                killed = time.monotonic()
            else:
                current, spare = spare, restart(current)
            answers.append(client.send(current.url, body))
            stalls[f"{kill.__name__} at frame {index}"] = time.monotonic() - killed
            if kill is kill_after:
                assert answers[-1]["resent"] is True  # committed before the kill: answered as it was, not again
        report = end(current.url, session_id)
    finally:
        replicas[:] = [current, spare]  # the module's teardown stops the live ones
        store.close()
    print(f"\nstalls after kill -9 (s): { {k: round(v, 2) for k, v in stalls.items()} }; "
          f"503s: {len(client.unavailable)}")  # fmt: skip
    assert sorted(a["frame_index"] for a in answers) == list(range(len(frames)))
    assert report["summary"]["frames_analyzed"] == len(frames)
    assert report == clean
    assert all(int(r.headers["retry-after"]) >= 1 for r in client.unavailable)
    assert all("fewer" not in r.text for r in client.unavailable)
    assert max(stalls.values()) < 5.0, stalls


def send_in_bursts(urls: list[str], frames: list[Frame], session_id: str, size: int = 8) -> list[httpx.Response]:
    """The first frame alone, then bursts of `size` frames released together (replicas in turn), each burst
    once the last one was answered: their requests reach the server in whatever order they happen to."""
    answers = [httpx.post(urls[0] + "/analyze-frame", json=frames[0].body(session_id), timeout=60)]
    jitter = random.Random(5)
    with ThreadPoolExecutor(size) as pool, httpx.Client(limits=httpx.Limits(max_connections=2 * size)) as http:
        for first in range(1, len(frames), size):
            burst = frames[first : first + size]
            release = threading.Barrier(len(burst))
            delays = [jitter.uniform(0, 0.05) for _ in burst]

            def send(n: int, burst: list[Frame] = burst, release: threading.Barrier = release,
                     delays: list[float] = delays, first: int = first) -> httpx.Response:  # fmt: skip
                release.wait(timeout=30)
                time.sleep(delays[n])
                url = urls[(first + n) % len(urls)]
                return http.post(url + "/analyze-frame", json=burst[n].body(session_id), timeout=60)

            answers += list(pool.map(send, range(len(burst))))
    return answers


@pytest.mark.parametrize("count", [1, 2], ids=["one replica", "two replicas"])
def test_bursts_released_together_are_all_analysed_in_time_order(
    count: int, replicas: list[ServiceProcess], frames: list[Frame], clean: dict[str, Any]
) -> None:
    urls = [server.url for server in replicas[:count]]
    session_id = start(urls[0], f"bursts-{count}")
    answers = send_in_bursts(urls, frames, session_id)
    refused = [r.json()["error"]["code"] for r in answers if r.status_code != 200]
    assert refused == []
    assert sorted(r.json()["frame_index"] for r in answers) == list(range(len(frames)))
    assert end(urls[0], session_id) == clean


def test_bursts_on_the_memory_store_are_all_analysed_in_time_order(
    service: ServiceProcess, frames: list[Frame], clean: dict[str, Any]
) -> None:
    session_id = start(service.url, "bursts-memory")
    answers = send_in_bursts([service.url], frames, session_id)
    assert [r.status_code for r in answers] == [200] * len(frames)
    assert end(service.url, session_id) == clean


def test_frames_sent_again_leave_the_count_and_the_report_as_they_were(
    replicas: list[ServiceProcess], frames: list[Frame], clean: dict[str, Any]
) -> None:
    urls = [server.url for server in replicas]
    session_id = start(urls[0], "again")
    client = Client()
    with ThreadPoolExecutor(2) as pool:
        for index, frame in enumerate(frames):
            body = frame.body(session_id, frame_id=f"frame-{index}")
            if index % 7 == 3:
                # twice at once on both replicas, as a client that timed out sends it again: analysed once
                twice = list(pool.map(client.send, urls, [body, body]))
                assert {a["frame_index"] for a in twice} == {index}
                assert sorted(a["resent"] for a in twice) == [False, True]
                continue
            first = client.send(urls[index % 2], body)
            assert first["resent"] is False and first["frame_id"] == f"frame-{index}"
            if index % 5 == 0:
                # the same frame again, on the other replica: by its timestamp, and by its frame_id
                again = client.send(urls[(index + 1) % 2], frame.body(session_id))
                assert again == {**first, "resent": True}
                assert client.send(urls[index % 2], body)["frame_index"] == index
    status = httpx.get(f"{urls[0]}/sessions/{session_id}", timeout=30).json()
    assert status["frames_analyzed"] == len(frames)
    assert end(urls[1], session_id) == clean


def test_ready_answers_503_within_its_budget_when_redis_stalls(
    replicas: list[ServiceProcess], redis_aof: RedisServer
) -> None:
    url = replicas[0].url
    assert httpx.get(url + "/ready", timeout=5).status_code == 200
    redis_aof.pause()
    try:
        asked = time.monotonic()
        response = httpx.get(url + "/ready", timeout=5)
        took = time.monotonic() - asked
    finally:
        redis_aof.resume()
    print(f"\n/ready with Redis stopped: {response.status_code} in {took:.2f} s")
    assert response.status_code == 503 and response.json()["store_ok"] is False
    assert int(response.headers["retry-after"]) >= 1
    assert took < 1.0, f"/ready took {took:.2f} s"
    deadline = time.monotonic() + 10
    while httpx.get(url + "/ready", timeout=5).status_code != 200:
        assert time.monotonic() < deadline, "/ready did not come back after Redis did"
        time.sleep(0.2)
