"""Sound over REST and the WebSocket, against a real server: a voice beside a listener's still lips is another
voice; every malformed chunk is a clear 4xx that leaves the session working; nothing of the sound is kept."""

from __future__ import annotations

import base64
import json
import struct
import time
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from websockets.sync.client import connect

from interview_integrity.audio.wav import encode_wav
from interview_integrity.vision.video import sample_frames
from tests.api.conftest import jpeg
from tests.audio.sounds import speech
from tests.conftest import DATA
from tests.servers import RedisServer, ServiceProcess

LISTENER = DATA / "vid_gaze_center.mp4"  # a face looking at the camera, lips closed, for 10 s


def chunk(seconds: float = 1.0, start: float = 0.0, silent: bool = False) -> str:
    samples = speech()[int(start * 16_000) : int((start + seconds) * 16_000)]
    return base64.b64encode(encode_wav(np.zeros_like(samples) if silent else samples, 16_000)).decode()


def listener_frames() -> list[tuple[float, str]]:
    frames = []
    for t, image in sample_frames(LISTENER, 5.0):
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
        assert ok
        frames.append((t, base64.b64encode(data.tobytes()).decode()))
    return frames


def start(client: httpx.Client, candidate: str) -> str:
    response = client.post("/start-session", json={"candidate_id": candidate})
    assert response.status_code == 201, response.text
    return str(response.json()["session_id"])


def play(client: httpx.Client, session_id: str, voice_from: float) -> list[dict[str, Any]]:
    """The listener's frames at 5 fps, silence until `voice_from`, then another person's speech: each second of
    sound sent once recorded, as a live client sends it."""
    answers = []
    heard = 0.0
    for t, frame in listener_frames():
        while heard + 1.0 <= t:
            audio = chunk(1.0, max(0.0, heard - voice_from), silent=heard < voice_from)
            answer = client.post(f"/sessions/{session_id}/audio", json={"audio": audio, "timestamp": heard})
            assert answer.status_code == 200, answer.text
            answers.append(answer.json())
            heard += 1.0
        answer = client.post("/analyze-frame", json={"session_id": session_id, "frame": frame, "timestamp": t})
        assert answer.status_code == 200, answer.text
        answers.append(answer.json())
    return answers


def test_a_voice_beside_still_lips_is_another_voice(service: ServiceProcess) -> None:
    with httpx.Client(base_url=service.url, timeout=60) as client:
        session_id = start(client, "rest-voice")
        answers = play(client, session_id, voice_from=3.0)
        heard = [a for a in answers if "duration_s" in a]
        assert heard and all(a["duration_s"] == 1.0 and a["processing_ms"] > 0 for a in heard)
        assert sum(a["speech_s"] for a in heard) > 4 and heard[0]["speech_s"] == 0.0
        raised = [e for a in answers for e in a["events"] if e["type"] == "other_voice"]
        assert raised, "no answer named the other voice"
        report = client.post("/end-session", json={"session_id": session_id}).json()
        [event] = [e for e in report["events"] if e["type"] == "other_voice"]
        assert abs(event["started_at"] - 3.0) <= 0.5 and event["category"] == "sound"
        assert "lips stayed still" in event["message"] and "still is under" in event["measured"]
        sound = report["summary"]["sound"]
        assert sound["other_voice_s"] >= 4 and sound["speaking_s"] == 0 and sound["heard_s"] >= 9
        kinds = [run["kind"] for run in report["sound_track"]]
        assert kinds[0] == "silence" and "other_voice" in kinds
        page = client.get(f"/sessions/{session_id}/report.html").text
        assert 'class="sound other_voice"' in page and "No sound was kept" in page


def test_no_audio_no_voice_and_the_report_says_so(service: ServiceProcess) -> None:
    with httpx.Client(base_url=service.url, timeout=60) as client:
        session_id = start(client, "rest-no-audio")
        for t, frame in listener_frames()[:15]:
            client.post("/analyze-frame", json={"session_id": session_id, "frame": frame, "timestamp": t})
        report = client.post("/end-session", json={"session_id": session_id}).json()
        assert report["summary"]["sound"] is None and report["sound_track"] == []
        page = client.get(f"/sessions/{session_id}/report.html").text
        assert "No audio was received: voices were not checked." in page


def _wav(rate: int = 16_000, channels: int = 1, bits: int = 16, seconds: float = 1.0) -> str:
    count = int(rate * seconds) * channels
    body = bytes(count * bits // 8)
    align = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * align, align, bits)
    data = b"RIFF" + struct.pack("<I", 36 + len(body)) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
    return base64.b64encode(data + b"data" + struct.pack("<I", len(body)) + body).decode()


@pytest.mark.parametrize(
    ("body", "status", "code", "says"),
    [
        ({"audio": "%%% not base64"}, 400, "invalid_audio", "not valid base64"),
        ({"audio": base64.b64encode(b"GIF89a....").decode()}, 400, "invalid_audio", "not a WAV file"),
        ({"audio": _wav(bits=24)}, 400, "unsupported_audio", "24-bit"),
        ({"audio": _wav(channels=3)}, 400, "unsupported_audio", "3 channels"),
        ({"audio": _wav(rate=96_000)}, 400, "unsupported_audio", "96000 Hz"),
        ({"audio": _wav(seconds=0.05)}, 400, "audio_length", "0.050 s"),
        ({"audio": _wav(rate=8_000, seconds=10.5)}, 400, "audio_length", "10.500 s"),
        ({"audio": _wav(), "timestamp": "5"}, 422, "validation_error", "timestamp"),
        ({"audio": _wav(), "timestamp": -1}, 422, "validation_error", "timestamp"),
        ({"audio": _wav(), "volume": 3}, 422, "validation_error", "volume"),
        ({}, 422, "validation_error", "audio"),
    ],
)
def test_a_bad_chunk_is_a_clear_4xx_and_the_session_goes_on(
    service: ServiceProcess, body: dict[str, Any], status: int, code: str, says: str
) -> None:
    with httpx.Client(base_url=service.url, timeout=60) as client:
        session_id = start(client, "rest-bad-audio")
        refused = client.post(f"/sessions/{session_id}/audio", json=body)
        assert refused.status_code == status, refused.text
        error = refused.json()["error"]
        assert error["code"] == code and says in error["message"]
        fine = client.post(f"/sessions/{session_id}/audio", json={"audio": chunk(), "timestamp": 0.0})
        assert fine.status_code == 200, fine.text
        assert client.get(f"/sessions/{session_id}").json()["status"] == "active"


def test_order_and_the_session_are_checked(service: ServiceProcess) -> None:
    with httpx.Client(base_url=service.url, timeout=60) as client:
        session_id = start(client, "rest-audio-order")
        url = f"/sessions/{session_id}/audio"
        assert client.post(url, json={"audio": chunk(), "timestamp": 2.0}).status_code == 200
        early = client.post(url, json={"audio": chunk(), "timestamp": 1.5})
        assert early.status_code == 409 and early.json()["error"]["code"] == "audio_out_of_order"
        assert "before the session's audio so far ended (3 s)" in early.json()["error"]["message"]
        continued = client.post(url, json={"audio": chunk(), "timestamp": 3.02})
        assert continued.status_code == 200 and continued.json()["timestamp"] == 3.0  # jitter: it continues
        untimed = client.post(url, json={"audio": chunk()})  # placed by its arrival: well before 4 s
        assert untimed.status_code == 409 and untimed.json()["error"]["code"] == "audio_out_of_order"
        fresh = start(client, "rest-untimed")
        placed = []
        for _ in range(3):  # a second of sound sent once recorded, each placed by its arrival: jitter is no gap
            time.sleep(0.9)
            placed.append(client.post(f"/sessions/{fresh}/audio", json={"audio": chunk()}).json()["timestamp"])
        assert placed[1:] == [placed[0] + 1, placed[0] + 2]
        missing = client.post("/sessions/no-such-session/audio", json={"audio": chunk()})
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "session_not_found"
        client.post("/end-session", json={"session_id": session_id})
        ended = client.post(url, json={"audio": chunk(), "timestamp": 10.0})
        assert ended.status_code == 409 and ended.json()["error"]["code"] == "session_ended"


def receive(socket: Any, kind: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
        if message["type"] == kind:
            return message  # type: ignore[no-any-return]
        assert message["type"] in ("result", "audio_result", "skipped"), message


def test_the_websocket_hears_audio_messages_and_binary_wavs(service: ServiceProcess) -> None:
    with connect(service.url.replace("http", "ws") + "/ws/stream", max_size=None) as socket:
        socket.send(json.dumps({"type": "audio", "audio": chunk()}))
        assert receive(socket, "error")["code"] == "no_session"
        socket.send(json.dumps({"type": "start", "candidate_id": "ws-audio"}))
        session_id = receive(socket, "session")["session_id"]
        socket.send(json.dumps({"type": "audio", "audio": chunk(1.0, 0.0), "timestamp": 0.0}))
        first = receive(socket, "audio_result")
        assert first["session_id"] == session_id and first["timestamp"] == 0.0 and first["speech_s"] > 0.5
        socket.send(base64.b64decode(chunk(1.0, 1.0)))  # binary: placed at its arrival less its length
        assert receive(socket, "audio_result")["duration_s"] == 1.0
        socket.send(json.dumps({"type": "audio", "audio": _wav(bits=24)}))
        bad = receive(socket, "error")
        assert bad["code"] == "unsupported_audio" and bad["fatal"] is False
        socket.send(json.dumps({"type": "audio"}))
        assert receive(socket, "error")["code"] == "invalid_audio"
        socket.send(jpeg("face1_grace_hopper.jpg"))
        assert receive(socket, "result")["faces"]["count"] == 1
        socket.send(json.dumps({"type": "end"}))
        report = receive(socket, "report")["report"]
        assert report["summary"]["sound"]["heard_s"] >= 1.0


@pytest.mark.slow
def test_the_stored_record_holds_numbers_never_sound(redis_server: RedisServer) -> None:
    import redis

    server = ServiceProcess({"SESSION_STORE": "redis", "REDIS_URL": redis_server.url})
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            session_id = start(client, "redis-audio")
            play(client, session_id, voice_from=2.0)
            db = redis.Redis.from_url(redis_server.url)
            keys = db.keys(f"*{session_id}*")
            answers = [k for k in keys if k.startswith(b"ii:answers:")]  # the frames' kept answers: JSON numbers
            assert b"RIFF" not in b"".join(db.dump(k) or b"" for k in answers)
            stored = b"".join(db.dump(k) or b"" for k in keys if k not in answers)
            record = json.loads(db.get(f"ii:session:{session_id}") or b"{}")
            sound = record["sound"]
            assert set(sound["listening"]) == {"heard_until", "model_state"}
            assert len(base64.b64decode(sound["listening"]["model_state"])) == 256 * 4  # the model's memory only
            assert set(sound["lips"]) == {"mouths", "steps", "judged_until"}
            assert b"RIFF" not in stored and len(stored) < 60_000
    finally:
        server.stop()
