"""Every error code, and bad input never harms a session."""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.api.conftest import b64, jpeg
from tests.servers import ServiceProcess


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"} and body["error"]["message"]
    return str(body["error"]["code"])


@pytest.fixture
def session(service: ServiceProcess) -> str:
    response = httpx.post(service.url + "/start-session", json={"candidate_id": "errors"})
    return str(response.json()["session_id"])


def test_bad_frames_are_4xx_and_the_session_survives(service: ServiceProcess, session: str) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        frame = {"session_id": session, "timestamp": 0.0}
        good = client.post("/analyze-frame", json={**frame, "frame": b64("faces2_portraits.jpg")})
        assert good.status_code == 200
        truncated = base64.b64encode(jpeg("faces2_portraits.jpg")[:3000]).decode()
        cases = [
            ({"frame": "not base64 at all!"}, 400, "not_an_image"),
            ({"frame": base64.b64encode(b"GIF89a0000").decode()}, 400, "not_an_image"),
            ({"frame": truncated}, 400, "truncated_image"),
            ({"frame": "data:image/png,abc"}, 400, "not_an_image"),
            ({"frame": "", "timestamp": 1}, 422, "validation_error"),
            ({"frame": b64("faces2_portraits.jpg"), "timestamp": -5}, 422, "validation_error"),
        ]
        for change, status, code in cases:
            # a new time: a frame at 0.0 s would be the first one sent again, answered as it was
            response = client.post("/analyze-frame", json={**frame, "timestamp": 0.1, **change})
            assert response.status_code == status, (change, response.text)
            assert error_of(response) == code
        assert (
            error_of(client.post("/analyze-frame", content=b"{not json", headers={"content-type": "application/json"}))
            == "validation_error"
        )
        assert (
            client.post("/analyze-frame", content=b"frame", headers={"content-type": "text/plain"}).status_code == 415
        )
        empty = client.post(
            "/analyze-frame", data={"session_id": session}, files={"frame": ("f.jpg", b"", "image/jpeg")}
        )
        assert empty.status_code == 400 and error_of(empty) == "empty_image"
        no_frame = client.post("/analyze-frame", files={"session_id": (None, session)})
        assert no_frame.status_code == 422 and "frame" in no_frame.json()["error"]["message"]
        assert client.post("/analyze-frame", data={"session_id": session}).status_code == 415
        after = client.post("/analyze-frame", json={**frame, "timestamp": 0.2, "frame": b64("faces2_portraits.jpg")})
        assert after.status_code == 200 and after.json()["frame_index"] >= 1
        status = client.get(f"/sessions/{session}").json()
        assert status["status"] == "active" and status["frames_analyzed"] == 2


def test_404_409_422(service: ServiceProcess, session: str) -> None:
    with httpx.Client(base_url=service.url) as client:
        assert error_of(client.get("/sessions/does-not-exist")) == "session_not_found"
        assert client.get("/no/such/path").status_code == 404
        assert error_of(client.post("/start-session", json={})) == "validation_error"
        assert (
            error_of(client.post("/start-session", json={"candidate_id": "c", "policy": "paranoid"}))
            == "invalid_policy"
        )
        assert (
            error_of(client.post(f"/sessions/{session}/client-events", json={"type": "telepathy"}))
            == "validation_error"
        )
        first = client.post("/end-session", json={"session_id": session})
        repeat = client.post("/end-session", json={"session_id": session})
        assert first.status_code == repeat.status_code == 200 and repeat.json() == first.json()
        late = client.post("/analyze-frame", json={"session_id": session, "frame": b64("face1_grace_hopper.jpg")})
        assert error_of(late) == "session_ended"
        assert client.post(f"/sessions/{session}/calibrate").status_code == 409


def test_413_for_a_body_over_the_limit(tight_service: ServiceProcess) -> None:
    with httpx.Client(base_url=tight_service.url, timeout=30) as client:
        session = client.post("/start-session", json={"candidate_id": "big"}).json()["session_id"]
        big = client.post("/analyze-frame", json={"session_id": session, "frame": "A" * 600_000})
        assert big.status_code == 413 and error_of(big) == "payload_too_large"
        assert client.get(f"/sessions/{session}").json()["status"] == "active"


def test_503_with_retry_after_when_workers_are_full(tight_service: ServiceProcess) -> None:
    with httpx.Client(base_url=tight_service.url, timeout=60) as client:
        session = client.post("/start-session", json={"candidate_id": "busy"}).json()["session_id"]
        body = {"session_id": session, "frame": b64("faces6_group.jpg")}
        with ThreadPoolExecutor(max_workers=6) as pool:
            responses = list(pool.map(lambda _: client.post("/analyze-frame", json=body), range(6)))
        statuses = sorted(r.status_code for r in responses)
        assert 200 in statuses and 503 in statuses, statuses
        busy = next(r for r in responses if r.status_code == 503)
        assert error_of(busy) == "busy" and int(busy.headers["retry-after"]) >= 1
        done = client.get(f"/sessions/{session}").json()
        assert done["frames_analyzed"] == statuses.count(200)
