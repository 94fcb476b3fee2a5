from __future__ import annotations

import json
import time

import httpx
from websockets.sync.client import connect

from interview_integrity.service.results import FrameResult
from tests.api.conftest import b64, jpeg
from tests.servers import ServiceProcess


def receive(socket: object, kind: str, timeout: float = 30) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))  # type: ignore[attr-defined]
        if message["type"] == kind:
            return message  # type: ignore[no-any-return]
        assert message["type"] in ("result", "skipped", "client_event", "calibration"), message


def test_stream_start_frames_events_end(service: ServiceProcess) -> None:
    url = service.url.replace("http", "ws") + "/ws/stream"
    with connect(url) as socket:
        socket.send(json.dumps({"type": "frame", "frame": b64("face1_grace_hopper.jpg")}))
        error = json.loads(socket.recv(timeout=10))
        assert error == {"type": "error", "code": "no_session", "message": error["message"], "fatal": False}
        socket.send(json.dumps({"type": "start", "candidate_id": "ws-1", "policy": "standard"}))
        session = receive(socket, "session")
        assert session["resumed"] is False
        socket.send(jpeg("face1_grace_hopper.jpg"))
        result = receive(socket, "result")
        assert result["session_id"] == session["session_id"] and result["faces"]["count"] == 1  # type: ignore[index]
        socket.send(json.dumps({"type": "frame", "frame": b64("faces2_portraits.jpg"), "timestamp": 5.0}))
        assert receive(socket, "result")["faces"]["count"] == 2  # type: ignore[index]
        socket.send(json.dumps({"type": "client_event", "event": "window_blur"}))
        assert receive(socket, "client_event")["event"]["type"] == "window_blur"  # type: ignore[index]
        socket.send("not json")
        assert receive(socket, "error")["code"] == "invalid_json"
        socket.send(json.dumps({"type": "end"}))
        report = receive(socket, "report")["report"]
        assert report["status"] == "ended" and report["summary"]["frames_analyzed"] == 2  # type: ignore[index]


def test_stale_frames_are_skipped_not_queued(service: ServiceProcess) -> None:
    url = service.url.replace("http", "ws") + "/ws/stream"
    frame = jpeg("faces6_group.jpg")
    with connect(url) as socket:
        socket.send(json.dumps({"type": "start", "candidate_id": "ws-burst"}))
        receive(socket, "session")
        for _ in range(12):
            socket.send(frame)
        socket.send(json.dumps({"type": "end"}))
        kinds: list[str] = []
        while True:
            message = json.loads(socket.recv(timeout=60))
            kinds.append(message["type"])
            if message["type"] == "report":
                break
        assert kinds.count("skipped") >= 1
        assert kinds.count("result") + kinds.count("skipped") == 12
        assert message["report"]["summary"]["frames_analyzed"] == kinds.count("result")


def test_resume_continues_the_same_session(service: ServiceProcess) -> None:
    url = service.url.replace("http", "ws") + "/ws/stream"
    with connect(url) as socket:
        socket.send(json.dumps({"type": "start", "candidate_id": "ws-resume"}))
        session_id = receive(socket, "session")["session_id"]
        socket.send(jpeg("face1_grace_hopper.jpg"))
        receive(socket, "result")
    with connect(url) as socket:
        socket.send(json.dumps({"type": "resume", "session_id": session_id}))
        resumed = receive(socket, "session")
        assert resumed["resumed"] is True and resumed["frames_analyzed"] == 1
        socket.send(jpeg("face1_grace_hopper.jpg"))
        assert receive(socket, "result")["frame_index"] == 1


def test_bad_messages_get_an_error_and_the_stream_goes_on(service: ServiceProcess) -> None:
    url = service.url.replace("http", "ws") + "/ws/stream"
    with connect(url) as socket:
        socket.send(json.dumps({"type": "start", "candidate_id": "ws-bad"}))
        receive(socket, "session")
        bad = [
            ({"type": "start", "candidate_id": "again", "policy": 5}, "invalid_policy"),
            ({"type": "frame", "frame": b64("face1_grace_hopper.jpg"), "timestamp": "soon"}, "invalid_timestamp"),
            ({"type": "client_event", "event": "telepathy"}, "invalid_client_event"),
            ({"type": "frame", "frame": "not an image"}, "not_an_image"),
            ({"type": "teleport"}, "unknown_message"),
        ]
        for message, code in bad:
            socket.send(json.dumps(message))
            assert receive(socket, "error")["code"] == code, message
        socket.send(jpeg("face1_grace_hopper.jpg"))
        assert receive(socket, "result")["frame_index"] == 0  # nothing bad was counted as a frame


def test_messages_are_not_compressed(service: ServiceProcess) -> None:
    # the client offers permessage-deflate; JPEG frames cannot shrink, so the service declines it
    with connect(service.url.replace("http", "ws") + "/ws/stream") as socket:
        assert socket.response is not None
        assert "Sec-WebSocket-Extensions" not in socket.response.headers
        assert "permessage-deflate" in socket.request.headers["Sec-WebSocket-Extensions"]  # type: ignore[union-attr]


def test_frames_sent_again_after_resume_are_answered_as_before(service: ServiceProcess) -> None:
    """A socket dropped with answers in flight: the client resumes and sends the unanswered frames again."""
    url = service.url.replace("http", "ws") + "/ws/stream"
    names = ["face1_grace_hopper.jpg", "faces2_portraits.jpg", "face1_grace_hopper.jpg", "faces6_group.jpg"]
    frames = [{"type": "frame", "frame": b64(name), "timestamp": i * 0.2, "frame_id": f"f{i}"} for i, name in
              enumerate(names)]  # fmt: skip
    with connect(url) as socket:
        socket.send(json.dumps({"type": "start", "candidate_id": "ws-again"}))
        session_id = receive(socket, "session")["session_id"]
        answered = []
        for frame in frames[:3]:
            socket.send(json.dumps(frame))
            answered.append(receive(socket, "result"))
    with connect(url) as socket:
        socket.send(json.dumps({"type": "resume", "session_id": session_id}))
        resumed = receive(socket, "session")
        assert resumed["frames_analyzed"] == 3 and resumed["last_frame_at"] == 0.4
        for frame in frames[1:]:  # the client never saw the last two answers: it sends from the second on
            socket.send(json.dumps(frame))
        results = [receive(socket, "result") for _ in frames[1:]]
        by_id = {r["frame_id"]: r for r in results}
        for earlier in answered[1:]:
            again = by_id[earlier["frame_id"]]
            assert again["resent"] is True and {**again, "resent": False} == earlier
        assert by_id["f3"]["resent"] is False and by_id["f3"]["frame_index"] == 3
        socket.send(json.dumps({"type": "end"}))
        assert receive(socket, "report")["report"]["summary"]["frames_analyzed"] == 4  # type: ignore[index]


def test_a_result_is_the_frames_kept_answer_with_its_type(service: ServiceProcess) -> None:
    url = service.url.replace("http", "ws") + "/ws/stream"
    with connect(url) as socket:
        socket.send(json.dumps({"type": "start", "candidate_id": "ws-json"}))
        session_id = receive(socket, "session")["session_id"]
        frame = {"frame": b64("faces2_portraits.jpg"), "timestamp": 0.0, "frame_id": "w0"}
        socket.send(json.dumps({"type": "frame", **frame}))
        while (raw := socket.recv(timeout=30)) and json.loads(raw)["type"] != "result":
            pass
    assert isinstance(raw, str) and raw.startswith('{"type":"result","session_id":')
    message = json.loads(raw)
    answer = {k: v for k, v in message.items() if k != "type"}
    assert answer == FrameResult.model_validate(answer).model_dump(mode="json")
    assert answer["faces"]["count"] == 2 and answer["frame_id"] == "w0"
    # the same frame asked for over REST: the answer the session kept, the one the stream sent
    kept = httpx.post(f"{service.url}/sessions/{session_id}/frames", json=frame, timeout=60).json()
    assert kept == {**answer, "resent": True}
