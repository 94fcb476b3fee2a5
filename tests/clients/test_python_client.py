"""The Python client against a real uvicorn on loopback."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import httpx
import pytest
from clients.python_client import InterviewClient  # exactly as the documentation promises

from interview_integrity.client import (
    AsyncInterviewClient,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    RateLimitError,
)
from tests.conftest import DATA, REPO
from tests.servers import ServiceProcess


def test_the_documented_snippet_and_every_method(service: ServiceProcess) -> None:
    client = InterviewClient(service.url)
    session_id = client.start_session("candidate_123")
    frame = cv2.imread(str(DATA / "face1_grace_hopper.jpg"))  # a numpy BGR image
    result = client.analyze_frame_from_array(session_id, frame)
    assert result["faces"]["count"] == 1 and result["frame_index"] == 0
    assert (
        client.analyze_frame_from_file(session_id, DATA / "faces2_portraits.jpg", timestamp=1.0)["faces"]["count"] == 2
    )
    assert client.analyze_frame(session_id, (DATA / "noface_coffee.png").read_bytes(), 2.0)["faces"]["count"] == 0
    assert client.send_client_event(session_id, "copy_paste", 2.5)["event"]["type"] == "copy_paste"
    assert client.calibrate(session_id)["calibration"] == "restarted"
    assert client.get_status(session_id)["frames_analyzed"] == 3
    assert client.get_report(session_id)["status"] == "active"
    report = client.end_session(session_id)
    assert report["status"] == "ended" and "copy_paste" in {e["type"] for e in report["events"]}
    with pytest.raises(ConflictError) as ended:
        client.analyze_frame_from_array(session_id, frame)
    assert ended.value.status == 409 and ended.value.code == "session_ended"
    client.delete_session(session_id)
    with pytest.raises(NotFoundError):
        client.get_report(session_id)
    client.close()


def test_typed_errors(service: ServiceProcess, keyed_service: ServiceProcess) -> None:
    with InterviewClient(service.url) as client:
        session_id = client.start_session("errors")
        with pytest.raises(BadRequestError) as bad:
            client.analyze_frame(session_id, b"this is not an image")
        assert bad.value.code == "not_an_image" and "JPEG" in bad.value.message
        with pytest.raises(NotFoundError):
            client.analyze_frame(session_id + "x", b"x")
    with InterviewClient(keyed_service.url, api_key="wrong") as client, pytest.raises(AuthenticationError):
        client.start_session("c")
    with InterviewClient(keyed_service.url, api_key="key-b") as client:
        assert client.start_session("c")


def test_retries_a_real_503_until_a_worker_is_free(tight_service: ServiceProcess) -> None:
    frame = (DATA / "faces6_group.jpg").read_bytes()
    with InterviewClient(tight_service.url, retries=8, backoff_s=0.2) as client:
        session_id = client.start_session("busy")
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda _: client.analyze_frame(session_id, frame), range(4)))
        assert sorted(r["frame_index"] for r in results) == [0, 1, 2, 3]


def test_429_is_retried_after_retry_after_then_raised() -> None:
    calls: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) < 3:
            return httpx.Response(
                429, headers={"Retry-After": "0.05"}, json={"error": {"code": "rate_limited", "message": "slow down"}}
            )
        return httpx.Response(201, json={"session_id": "s1"})

    client = InterviewClient("http://service.test", retries=3)
    client._http = httpx.Client(base_url="http://service.test", transport=httpx.MockTransport(handler))
    assert client.start_session("c") == "s1" and len(calls) == 3
    calls.clear()
    client.retries = 1
    with pytest.raises(RateLimitError) as limited:
        client.start_session("c")
    assert limited.value.retry_after == 0.05 and len(calls) == 2


def test_stream_over_the_websocket(service: ServiceProcess) -> None:
    frames = [cv2.imread(str(DATA / name)) for name in ("face1_grace_hopper.jpg", "faces2_portraits.jpg")]
    with InterviewClient(service.url) as client:
        messages = list(client.stream(frames, candidate_id="streamer"))
    assert [m["type"] for m in messages] == ["session", "result", "result", "report"]
    assert [m["faces"]["count"] for m in messages[1:3]] == [1, 2]
    assert messages[-1]["report"]["summary"]["frames_analyzed"] == 2


async def test_async_twin(service: ServiceProcess) -> None:
    async with AsyncInterviewClient(service.url) as client:
        session_id = await client.start_session("async")
        result = await client.analyze_frame_from_file(session_id, DATA / "face1_grace_hopper.jpg")
        assert result["gaze"]["direction"] == "center"
        await client.send_client_event(session_id, "tab_hidden")
        report = await client.end_session(session_id)
        assert report["summary"]["events_by_type"] == {"tab_hidden": 1}


def test_example_script_end_to_end(service: ServiceProcess) -> None:
    result = subprocess.run(
        [sys.executable, "python_client.py", str(DATA / "vid_gaze_center.mp4"), "--url", service.url, "--fps", "1"],
        cwd=REPO / "clients", capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "faces 1" in result.stdout and "verdict: clear" in result.stdout and "report.html" in result.stdout
    assert "signature=" in result.stdout  # a link a reviewer can open without the API key
    times = [float(line.split()[0]) for line in result.stdout.splitlines() if line.strip().endswith("events: -")]
    assert times and times[0] == 0.0 and max(times) < 60, times  # seconds from the session's start, not epoch
    assert Path(REPO / "clients" / "python_client.py").exists()
