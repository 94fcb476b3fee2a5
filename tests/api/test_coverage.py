"""Issue 28's sessions, sent over REST to a real server as a new user would: what was not watched is not
`clear`. Each ends `incomplete` (or what was seen decides) with a `not_watched` event that names why."""

from __future__ import annotations

from typing import Any

import cv2
import httpx
import pytest

from interview_integrity.vision.video import sample_frames
from tests.conftest import DATA
from tests.servers import ServiceProcess


def frames(video: str, fps: float, seconds: float) -> list[tuple[float, bytes]]:
    out = []
    for t, image in sample_frames(DATA / video, fps):
        if t >= seconds - 1e-6:
            break
        out.append((t, cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()))
    return out


def send(client: httpx.Client, session_id: str, jpeg: bytes, timestamp: float) -> httpx.Response:
    return client.post("/analyze-frame", data={"session_id": session_id, "timestamp": str(timestamp)},
                       files={"frame": ("frame.jpg", jpeg, "image/jpeg")})  # fmt: skip


def start(client: httpx.Client, candidate: str) -> str:
    response = client.post("/start-session", json={"candidate_id": candidate})
    assert response.status_code == 201, response.text
    return str(response.json()["session_id"])


def end(client: httpx.Client, session_id: str) -> dict[str, Any]:
    response = client.post("/end-session", json={"session_id": session_id})
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def unwatched(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in report["events"] if e["type"] == "not_watched"]


def test_ten_minutes_without_frames(service: ServiceProcess) -> None:
    webcam = frames("vid_webcam_normal.mp4", 5, 2.0)
    with httpx.Client(base_url=service.url, timeout=60) as client:
        session_id = start(client, "gap")
        for i, (_, jpeg) in enumerate(webcam[:5]):  # 0-0.8 s
            assert send(client, session_id, jpeg, i * 0.2).status_code == 200
        for i, (_, jpeg) in enumerate(webcam[5:8]):  # 600-600.4 s
            assert send(client, session_id, jpeg, 600 + i * 0.2).status_code == 200
        report = end(client, session_id)
        [gap] = unwatched(report)
        assert (gap["started_at"], gap["ended_at"], gap["basis"]["reason"]) == (0.8, 600.0, "no_frames")
        assert report["verdict"] == "incomplete" and report["summary"]["verdict"] == "incomplete"
        assert "could not be watched" in report["summary"]["explanation"]["reason"]
        assert report["summary"]["coverage"]["longest_unwatched_s"] == pytest.approx(599.2)
        listed = client.get("/sessions", params={"verdict": "incomplete"}).json()["sessions"]
        assert session_id in [row["session_id"] for row in listed]
        page = client.get(f"/sessions/{session_id}/report.html").text
        assert "Incomplete: not enough was watched" in page and 'data-testid="coverage"' in page
        assert f'data-event-id="{gap["id"]}"' in page  # drawn on the chart


def test_a_far_future_first_frame_then_a_real_recording(service: ServiceProcess) -> None:
    portrait = frames("vid_webcam_normal.mp4", 5, 0.2)[0][1]
    two_faces = frames("vid_two_faces_books.mp4", 5, 7.0)
    with httpx.Client(base_url=service.url, timeout=60) as client:
        session_id = start(client, "far-future")
        assert send(client, session_id, portrait, 1e6).status_code == 200
        codes = [send(client, session_id, jpeg, t) for t, jpeg in two_faces]
        assert {(r.status_code, r.json()["error"]["code"]) for r in codes} == {(409, "frame_out_of_order")}
        report = end(client, session_id)
        refused = report["summary"]["coverage"]["refused"]
        assert refused["count"] == len(two_faces) and refused["by_reason"] == {"out_of_order": len(two_faces)}
        [run] = refused["runs"]
        assert run["claimed"] == [0.0, two_faces[-1][0]] and run["count"] == len(two_faces)
        [gap] = unwatched(report)
        assert gap["basis"]["reason"] == "refused" and gap["started_at"] == 1e6
        assert gap["duration_s"] == pytest.approx(7.0, abs=0.05)
        assert f"{len(two_faces)} frames refused (out of order)" in gap["message"]
        assert report["verdict"] == "incomplete" and report["summary"]["frames_analyzed"] == 1
        page = client.get(f"/sessions/{session_id}/report.html").text
        assert 'class="refused"' in page and "out of order" in page


def test_a_frozen_camera_for_twelve_of_sixteen_seconds(service: ServiceProcess) -> None:
    webcam = frames("vid_webcam_normal.mp4", 5, 4.0)
    with httpx.Client(base_url=service.url, timeout=60) as client:
        session_id = start(client, "frozen")
        for t, jpeg in webcam[:10]:  # 2 s live
            assert send(client, session_id, jpeg, t).status_code == 200
        held = webcam[10][1]
        for i in range(60):  # the same picture for 12 s
            assert send(client, session_id, held, 2.0 + i * 0.2).status_code == 200
        for t, jpeg in webcam[10:20]:  # 2 s live again
            assert send(client, session_id, jpeg, 12.0 + t).status_code == 200
        report = end(client, session_id)
        types = {e["type"] for e in report["events"]}
        assert "stream_frozen" in types
        [gap] = unwatched(report)
        assert gap["basis"]["reason"] == "frozen" and gap["duration_s"] == pytest.approx(11.8, abs=0.5)
        assert report["verdict"] == "incomplete", report["summary"]["explanation"]
        assert report["summary"]["coverage"]["share"] < 0.5


def test_an_honest_continuous_recording_stays_clear(service: ServiceProcess) -> None:
    with httpx.Client(base_url=service.url, timeout=60) as client:
        session_id = start(client, "honest")
        for t, jpeg in frames("vid_gaze_center.mp4", 5, 10.0):
            assert send(client, session_id, jpeg, t).status_code == 200
        report = end(client, session_id)
        assert report["verdict"] == "clear" and unwatched(report) == []
        assert report["summary"]["coverage"]["share"] == 1.0 and report["summary"]["coverage"]["refused"]["count"] == 0
