"""Hostile and clumsy clients against real uvicorn on loopback with a real Redis (issue: hardening).

After every refused request the session must be exactly as it was: every read answers, its report is
unchanged, and it can still be ended and deleted.
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from tests.api.conftest import b64, jpeg
from tests.servers import RedisServer, ServiceProcess

pytestmark = pytest.mark.slow
KEY = "hostile-key-5f1c9e"
HEADERS = {"X-API-Key": KEY}


@pytest.fixture(scope="module")
def redis_aof() -> Iterator[RedisServer]:
    # uncompressed RDB in the AOF's base file, so a test can look for a photo's bytes on disk
    server = RedisServer(appendonly=True, extra=["--rdbcompression", "no"])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def hardened(redis_aof: RedisServer) -> Iterator[ServiceProcess]:
    server = ServiceProcess(
        {"SESSION_STORE": "redis", "REDIS_URL": redis_aof.url, "EVIDENCE_SNAPSHOTS": "true", "API_KEYS": KEY,
         "REQUEST_BODY_TIMEOUT_S": "2", "LOG_LEVEL": "INFO", "MAX_REQUEST_BYTES": "2000000"}
    )  # fmt: skip
    yield server
    server.stop()


@pytest.fixture
def client(hardened: ServiceProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hardened.url, headers=HEADERS, timeout=60) as http:
        yield http


def start(client: httpx.Client, **body: Any) -> str:
    response = client.post("/start-session", json={"candidate_id": "hostile", **body})
    assert response.status_code == 201, response.text
    return str(response.json()["session_id"])


def frame(client: httpx.Client, session_id: str, name: str, timestamp: float) -> dict[str, Any]:
    response = client.post(
        "/analyze-frame", json={"session_id": session_id, "frame": b64(name), "timestamp": timestamp}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def readable(client: httpx.Client, session_id: str) -> dict[str, Any]:
    """Every read of the session answers 200; returns its report."""
    assert client.get(f"/sessions/{session_id}").status_code == 200
    assert client.get(f"/sessions/{session_id}/report.html").status_code == 200
    report = client.get(f"/sessions/{session_id}/report")
    assert report.status_code == 200, report.text
    return report.json()  # type: ignore[no-any-return]


def seen(report: dict[str, Any]) -> dict[str, Any]:
    """What a session saw: its report less its coverage, whose refused frames are counted (issue 28), and the
    verdict that coverage may make `incomplete`."""
    summary = {k: v for k, v in report["summary"].items() if k not in ("coverage", "verdict", "explanation")}
    return {**{k: v for k, v in report.items() if k != "verdict"}, "summary": summary}


def still_usable(client: httpx.Client, session_id: str, before: dict[str, Any], refused: set[str]) -> None:
    """The session is as it was, its refused frames counted with these reasons, and it still ends."""
    after = readable(client, session_id)
    assert seen(after) == seen(before)
    counted = after["summary"]["coverage"]["refused"]["by_reason"]
    assert set(counted) == refused, counted
    ended = client.post("/end-session", json={"session_id": session_id})
    assert ended.status_code == 200, ended.text
    assert client.delete(f"/sessions/{session_id}").status_code == 204


def raw_post(client: httpx.Client, path: str, text: str) -> httpx.Response:
    return client.post(path, content=text.encode(), headers={"Content-Type": "application/json"})


def test_non_finite_and_mistyped_timestamps_are_refused_and_change_nothing(client: httpx.Client) -> None:
    session_id = start(client)
    frame(client, session_id, "face1_grace_hopper.jpg", 0.0)
    before = readable(client, session_id)
    for value in ("1e400", "-1e400", "NaN", "Infinity", "-5", '"5"', "true", "1e11"):
        event = raw_post(
            client, f"/sessions/{session_id}/client-events", f'{{"type": "copy_paste", "timestamp": {value}}}'
        )
        assert event.status_code == 422, (value, event.text)
        body = f'{{"session_id": "{session_id}", "frame": "{b64("face1_grace_hopper.jpg")}", "timestamp": {value}}}'
        analysed = raw_post(client, "/analyze-frame", body)
        assert analysed.status_code in (400, 422), (value, analysed.text)
        assert "error" in analysed.json()
    multipart = client.post(
        "/analyze-frame",
        data={"session_id": session_id, "timestamp": "inf"},
        files={"frame": ("f.jpg", jpeg("face1_grace_hopper.jpg"), "image/jpeg")},
    )
    assert multipart.status_code == 422 and multipart.json()["error"]["code"] == "invalid_timestamp"
    still_usable(client, session_id, before, {"bad_timestamp"})


def test_websocket_client_events_with_bad_times_leave_the_stream_working(hardened: ServiceProcess) -> None:
    url = hardened.url.replace("http", "ws") + f"/ws/stream?api_key={KEY}"
    with connect(url) as ws:
        ws.send(json.dumps({"type": "start", "candidate_id": "ws-hostile"}))
        session = json.loads(ws.recv(timeout=30))
        for value in ("NaN", "Infinity", "-Infinity", "-5", '"5"', "true", "1e400"):
            ws.send(f'{{"type": "client_event", "event": "tab_hidden", "timestamp": {value}}}')
            answer = json.loads(ws.recv(timeout=30))
            assert answer["type"] == "error" and answer["fatal"] is False, (value, answer)
        ws.send(jpeg("face1_grace_hopper.jpg"))
        assert json.loads(ws.recv(timeout=60))["type"] == "result"
        ws.send(json.dumps({"type": "end"}))
        report = json.loads(ws.recv(timeout=60))
        assert report["type"] == "report" and report["report"]["summary"]["frames_analyzed"] == 1
    assert session["type"] == "session"


def test_the_clock_cannot_be_frozen_or_turned_back(client: httpx.Client) -> None:
    session_id = start(client)
    frame(client, session_id, "face1_grace_hopper.jpg", 1e6)
    before = readable(client, session_id)
    later = client.post(
        "/analyze-frame", json={"session_id": session_id, "frame": b64("faces2_portraits.jpg"), "timestamp": 0.0}
    )
    assert later.status_code == 409 and later.json()["error"]["code"] == "frame_out_of_order"
    assert "before the session's last analysed frame" in later.json()["error"]["message"]
    jump = client.post(
        "/analyze-frame", json={"session_id": session_id, "frame": b64("faces2_portraits.jpg"), "timestamp": 2e6}
    )
    assert jump.status_code == 422 and jump.json()["error"]["code"] == "timestamp_out_of_range"
    event = client.post(f"/sessions/{session_id}/client-events", json={"type": "copy_paste", "timestamp": 3.0})
    assert event.status_code == 422 and event.json()["error"]["code"] == "timestamp_out_of_range"
    still_usable(client, session_id, before, {"out_of_order", "clock_jump"})
    # a first frame without a timestamp is placed at its arrival on the session clock: a video timed from 0
    # that follows loses only its frames from before that moment, and its time counts
    session_id = start(client)
    first = client.post("/analyze-frame", json={"session_id": session_id, "frame": b64("face1_grace_hopper.jpg")})
    assert first.status_code == 200 and first.json()["timestamp"] < 5
    for t in range(6, 12):
        frame(client, session_id, "faces2_portraits.jpg", float(t))
    report = client.post("/end-session", json={"session_id": session_id}).json()
    assert report["summary"]["duration_s"] >= 5 and "multiple_faces" in report["summary"]["events_by_type"]
    client.delete(f"/sessions/{session_id}")


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def _jpeg_header(width: int, height: int) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + sof + b"\xff\xd9"


@pytest.mark.parametrize("bomb", [_png_header(30000, 30000), _jpeg_header(30000, 30000), _png_header(5000, 40)])
def test_decompression_bombs_are_refused_on_a_connection_that_stays_open(client: httpx.Client, bomb: bytes) -> None:
    assert len(bomb) < 100
    session_id = start(client)
    before = readable(client, session_id)
    for _ in range(2):  # the same keep-alive connection answers again
        refused = client.post(
            "/analyze-frame", data={"session_id": session_id}, files={"frame": ("bomb", bomb, "image/png")}
        )
        assert refused.status_code == 413 and refused.json()["error"]["code"] == "image_too_large", refused.text
        as_json = client.post(
            "/analyze-frame", json={"session_id": session_id, "frame": base64.b64encode(bomb).decode()}
        )
        assert as_json.status_code == 413
    still_usable(client, session_id, before, {"bad_image"})


def test_a_bomb_over_the_websocket_leaves_the_worker_alive(hardened: ServiceProcess) -> None:
    url = hardened.url.replace("http", "ws") + f"/ws/stream?api_key={KEY}"
    with connect(url) as ws:
        ws.send(json.dumps({"type": "start", "candidate_id": "ws-bomb"}))
        json.loads(ws.recv(timeout=30))
        ws.send(_png_header(30000, 30000))
        error = json.loads(ws.recv(timeout=30))
        assert error["type"] == "error" and error["code"] == "image_too_large"
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "pong"}
        ws.send(jpeg("face1_grace_hopper.jpg"))
        assert json.loads(ws.recv(timeout=60))["type"] == "result"
        tick = time.monotonic()
        ws.send(json.dumps({"type": "end"}))
        assert json.loads(ws.recv(timeout=30))["type"] == "report"
        assert time.monotonic() - tick < 10


def _nested(levels: int) -> str:
    return '{"a": ' * levels + "1" + "}" * levels


@pytest.mark.parametrize("levels", [9, 200, 252, 256, 5000])
def test_deep_metadata_is_refused_before_it_is_stored(client: httpx.Client, levels: int) -> None:
    response = raw_post(client, "/start-session", f'{{"candidate_id": "deep", "metadata": {_nested(levels)}}}')
    assert response.status_code in (400, 422), response.text
    assert response.json()["error"]["code"] in ("invalid_metadata", "validation_error", "bad_request")
    ok = raw_post(client, "/start-session", f'{{"candidate_id": "deep", "metadata": {_nested(8)}}}')
    assert ok.status_code == 201
    readable(client, ok.json()["session_id"])
    big = client.post("/start-session", json={"candidate_id": "big", "metadata": {"notes": "x" * 20_000}})
    assert big.status_code == 422 and big.json()["error"]["code"] == "invalid_metadata"


def test_deep_json_over_the_websocket_is_an_error_not_a_dropped_socket(hardened: ServiceProcess) -> None:
    url = hardened.url.replace("http", "ws") + f"/ws/stream?api_key={KEY}"
    with connect(url) as ws:
        ws.send('{"type": "start", "candidate_id": "deep", "metadata": ' + _nested(5000) + "}")
        assert json.loads(ws.recv(timeout=30))["code"] == "invalid_json"
        ws.send('{"type": "start", "candidate_id": "deep", "metadata": ' + _nested(20) + "}")
        assert json.loads(ws.recv(timeout=30))["code"] == "invalid_metadata"
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "pong"}


def test_the_api_key_never_reaches_the_logs(hardened: ServiceProcess) -> None:
    url = hardened.url.replace("http", "ws") + f"/ws/stream?api_key={KEY}"
    with connect(url) as ws:
        ws.send(json.dumps({"type": "ping"}))
        ws.recv(timeout=10)
    httpx.get(f"{hardened.url}/sessions/nothing?api_key={KEY}", headers=HEADERS)
    time.sleep(0.5)
    log = hardened.log.read_text()
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    # the request that carried the key in its query string was logged, by its path alone
    [access] = [e for e in entries if e.get("message") == "request" and e.get("path") == "/sessions/nothing"]
    assert access["status"] == 404 and access["method"] == "GET"
    assert KEY not in log


def _aof_bytes(redis: RedisServer) -> bytes:
    return b"".join(p.read_bytes() for p in Path(redis.dir).rglob("*") if p.is_file())


def _rewrite(redis: RedisServer) -> None:
    with socket.create_connection(("127.0.0.1", redis.port), timeout=5) as sock:
        sock.sendall(b"BGREWRITEAOF\r\n")
        assert sock.recv(128).startswith(b"+")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            sock.sendall(b"INFO persistence\r\n")
            info = sock.recv(65536)
            if b"aof_rewrite_in_progress:0" in info and b"aof_rewrite_scheduled:0" in info:
                return
            time.sleep(0.1)
    raise TimeoutError("the AOF rewrite did not finish")


def test_deleted_evidence_is_gone_from_disk_after_the_documented_rewrite(
    client: httpx.Client, redis_aof: RedisServer
) -> None:
    session_id = start(client, evidence=True)
    for i in range(12):  # two faces for 2.4 s: a high-severity multiple_faces with its snapshot
        frame(client, session_id, "faces2_portraits.jpg", i / 5)
    report = client.post("/end-session", json={"session_id": session_id}).json()
    assert report["evidence"], "no evidence was kept"
    photo = base64.b64decode(report["evidence"][0]["jpeg_base64"])
    marker = report["evidence"][0]["jpeg_base64"][200:260].encode()
    _rewrite(redis_aof)
    on_disk = _aof_bytes(redis_aof)
    assert on_disk.count(marker) == 1  # kept once, not once per frame or twice in the ended record
    assert client.delete(f"/sessions/{session_id}").status_code == 204
    assert marker in _aof_bytes(redis_aof)  # before the rewrite, the append-only file still holds it
    _rewrite(redis_aof)
    assert marker not in _aof_bytes(redis_aof) and photo[100:160] not in _aof_bytes(redis_aof)


def test_bodies_too_large_or_too_slow_are_refused(hardened: ServiceProcess, client: httpx.Client) -> None:
    big = client.post(
        "/start-session", content=b"{" + b" " * 3_000_000 + b"}", headers={"Content-Type": "application/json"}
    )
    assert big.status_code == 413 and big.json()["error"]["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 100_000

    chunked = client.post("/start-session", content=chunks(), headers={"Content-Type": "application/json"})
    assert chunked.status_code == 413
    port = int(hardened.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as slow:
        slow.sendall(
            b"POST /start-session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
            + f"X-API-Key: {KEY}\r\n\r\n".encode()
            + b'{"candid'
        )
        answer = slow.recv(4096)
    assert b" 408 " in answer.split(b"\r\n")[0]


def test_a_request_head_that_never_ends_is_cut_off(hardened: ServiceProcess) -> None:
    port = int(hardened.url.rsplit(":", 1)[1])
    tick = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as slow:
        slow.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        assert slow.recv(100) == b""  # closed by the server
    assert time.monotonic() - tick < 20


def test_method_not_allowed_says_which_are_allowed(client: httpx.Client) -> None:
    response = client.put("/start-session", json={})
    assert response.status_code == 405 and "POST" in response.headers["allow"]
    assert response.json()["error"]["code"] == "method_not_allowed"
