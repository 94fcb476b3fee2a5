"""A verdict does not depend on how the frames were sent: every dev video at 2, 5 and 10 fps, as JPEG of
quality 60 and 95, as PNG and as the decoded frame the CLI analyses, in-process on one analyzer; and the
same frames over REST and over the WebSocket give what they give in-process, event for event."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from interview_integrity.analysis.policy import build_policy
from interview_integrity.evaluation.images import VIDEO_SUFFIXES, read_manifest
from interview_integrity.evaluation.sending import Outcome, encode, replay_sent
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.video import sample_frames
from tests.conftest import DATA
from tests.servers import ServiceProcess

pytestmark = pytest.mark.slow
VIDEOS = [row["file"] for row in read_manifest(DATA) if Path(row["file"]).suffix.lower() in VIDEO_SUFFIXES]
WAYS = [(fps, encoding) for fps in (2.0, 5.0, 10.0) for encoding in ("jpeg60", "jpeg95")] + [(5.0, "png"), (5.0, "raw")]
# Over the two transports: the way most clients send (5 fps JPEG 95), compared with the same frames in-process.
TRANSPORTED = (5.0, "jpeg95")


def _events(report: dict[str, Any]) -> list[tuple[str, float, str]]:
    return [(e["type"], round(e["started_at"], 2), e["severity"]) for e in report["events"]]


@pytest.mark.parametrize("name", VIDEOS)
def test_the_same_verdict_and_event_types_at_every_rate_and_encoding(name: str, analyzer: FrameAnalyzer) -> None:
    policy = build_policy("standard")
    mine: dict[str, Outcome] = {}
    for fps, encoding in WAYS:
        mine[f"{fps:g} fps {encoding}"] = outcome = Outcome.of(
            replay_sent(DATA / name, analyzer, policy, fps, encoding)
        )
        print(f"{name:<36} {fps:>3g} fps {encoding:<6} {outcome.line()}")
    verdicts = {way: outcome.verdict for way, outcome in mine.items()}
    types = {way: outcome.types for way, outcome in mine.items()}
    assert len(set(verdicts.values())) == 1, verdicts
    assert len(set(types.values())) == 1, types


def _rest(url: str, frames: list[tuple[float, bytes]]) -> dict[str, Any]:
    with httpx.Client(base_url=url, timeout=60) as client:
        session_id = client.post("/start-session", json={"candidate_id": "sent-over-rest"}).json()["session_id"]
        for t, data in frames:
            sent = client.post(
                f"/sessions/{session_id}/frames", json={"frame": base64.b64encode(data).decode(), "timestamp": t}
            )
            assert sent.status_code == 200, sent.text
        report: dict[str, Any] = client.post("/end-session", json={"session_id": session_id}).json()
        return report


def _websocket(url: str, frames: list[tuple[float, bytes]]) -> dict[str, Any]:
    with connect(url.replace("http", "ws") + "/ws/stream", max_size=None) as socket:
        socket.send(json.dumps({"type": "start", "candidate_id": "sent-over-websocket"}))
        assert json.loads(socket.recv(timeout=30))["type"] == "session"
        for t, data in frames:  # one at a time, as a live client does: a newer frame would replace a waiting one
            socket.send(json.dumps({"type": "frame", "frame": base64.b64encode(data).decode(), "timestamp": t}))
            answer = json.loads(socket.recv(timeout=60))
            assert answer["type"] == "result", answer
        socket.send(json.dumps({"type": "end"}))
        deadline = time.monotonic() + 60
        while True:
            message = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message["type"] == "report":
                report: dict[str, Any] = message["report"]
                return report


def test_rest_and_the_websocket_give_what_the_frames_give_in_process(
    service: ServiceProcess, analyzer: FrameAnalyzer
) -> None:
    """The exam hall (a phone, two students, an extra person: the most events of the dev videos)."""
    name, (fps, encoding) = "vid_exam_hall_phone_on_desk.mp4", TRANSPORTED
    frames = [(t, encode(image, encoding)) for t, image in sample_frames(DATA / name, fps)]
    local = replay_sent(DATA / name, analyzer, build_policy("standard"), fps, encoding)
    expected = [(e.type, round(e.started_at, 2), e.severity) for e in local.state.events]
    assert {"phone_detected", "multiple_faces"} <= {kind for kind, _, _ in expected}
    for transport, report in (("rest", _rest(service.url, frames)), ("websocket", _websocket(service.url, frames))):
        print(f"{transport}: {report['verdict']} {_events(report)}")
        assert report["verdict"] == local.summary.verdict, transport
        assert _events(report) == expected, transport
        assert report["summary"]["frames_analyzed"] == len(frames)
