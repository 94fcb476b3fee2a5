from __future__ import annotations

import time

import httpx

from interview_integrity.bench.service import parse_stage_totals
from interview_integrity.service.frames import STAGES
from interview_integrity.service.results import FrameResult
from tests.api.conftest import b64, jpeg
from tests.servers import ServiceProcess


def start(client: httpx.Client, **body: object) -> str:
    response = client.post("/start-session", json={"candidate_id": "cand-1", **body})
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["expires_in_s"] == 900 and data["policy"]["name"] in ("standard", "strict", "lenient")
    assert len(data["session_id"]) >= 24
    return str(data["session_id"])


def test_service_links_health_ready_docs(service: ServiceProcess) -> None:
    with httpx.Client(base_url=service.url) as client:
        assert client.get("/").json()["links"]["docs"] == "/docs"
        assert client.get("/health").json() == {"status": "ok"}
        ready = client.get("/ready").json()
        assert ready["status"] == "ready" and ready["detectors"] == ["ssdlite", "yolo", "phone"]
        assert "swagger" in client.get("/docs").text.lower()
        spec = client.get("/openapi.json").json()
        assert {"/start-session", "/analyze-frame", "/end-session", "/sessions/{session_id}/report"} <= set(
            spec["paths"]
        )
        assert "/ws/stream" in spec["info"]["description"]


def test_quick_start_session_frames_and_report(service: ServiceProcess) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        session_id = start(client, metadata={"exam": "python-1"})
        first = client.post(
            "/analyze-frame", json={"session_id": session_id, "frame": b64("face1_grace_hopper.jpg"), "timestamp": 0.0}
        )
        assert first.status_code == 200, first.text
        result = first.json()
        assert result["frame_index"] == 0 and result["timestamp"] == 0.0
        assert result["faces"]["count"] == 1 and result["gaze"]["direction"] == "center"
        assert result["risk"] == {"score": 0.0, "level": "low", "verdict": "clear"}
        assert result["processing_ms"] > 0
        data_url = "data:image/jpeg;base64," + b64("faces2_portraits.jpg")
        raised = []
        for i in range(1, 12):  # two faces for 2.2 s -> multiple_faces
            response = client.post(
                "/analyze-frame", json={"session_id": session_id, "frame": data_url, "timestamp": i * 0.2}
            )
            assert response.status_code == 200
            raised += [e["type"] for e in response.json()["events"]]
        status = client.get(f"/sessions/{session_id}").json()
        assert status["frames_analyzed"] == 12 and status["status"] == "active"
        assert "multiple_faces" in raised  # a frame's answer names the event it opened
        assert [e["type"] for e in status["open_events"]] == ["multiple_faces"]  # still open: two faces remain
        multipart = client.post(
            "/analyze-frame",
            data={"session_id": session_id, "timestamp": "2.6"},
            files={"frame": ("f.jpg", jpeg("faces2_portraits.jpg"), "image/jpeg")},
        )
        assert multipart.status_code == 200 and multipart.json()["faces"]["count"] == 2
        assert client.post(f"/sessions/{session_id}/calibrate").json() == {
            "session_id": session_id,
            "calibration": "restarted",
        }
        event = client.post(f"/sessions/{session_id}/client-events", json={"type": "tab_hidden", "timestamp": 2.7})
        assert event.status_code == 201 and event.json()["event"]["category"] == "client"
        report = client.post("/end-session", json={"session_id": session_id}).json()
        assert report["status"] == "ended" and report["metadata"] == {"exam": "python-1"}
        assert {"multiple_faces", "tab_hidden"} <= {e["type"] for e in report["events"]}
        assert report["verdict"] in ("review", "high_risk")
        assert report["summary"]["frames_analyzed"] == 13
        assert client.get(f"/sessions/{session_id}/report").json()["events"] == report["events"]
        late = client.post("/analyze-frame", json={"session_id": session_id, "frame": data_url})
        assert late.status_code == 409 and late.json()["error"]["code"] == "session_ended"


def test_a_frame_without_a_timestamp_is_placed_at_its_arrival_on_the_session_clock(service: ServiceProcess) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        session_id = start(client, policy="strict")
        time.sleep(0.3)
        result = client.post(
            "/analyze-frame", json={"session_id": session_id, "frame": b64("noface_coffee.png")}
        ).json()
        assert 0.3 <= result["timestamp"] < 30  # seconds since the session started, not Unix time
        assert result["faces"]["count"] == 0


def test_policy_object_with_accommodations(service: ServiceProcess) -> None:
    with httpx.Client(base_url=service.url) as client:
        response = client.post(
            "/start-session",
            json={
                "candidate_id": "c",
                "policy": {"preset": "lenient", "disabled_rules": ["gaze_away", "repeated_glances"]},
            },
        )
        assert response.status_code == 201
        assert response.json()["policy"]["disabled_rules"] == ["gaze_away", "repeated_glances"]


def test_one_risk_figure_after_a_client_event(service: ServiceProcess) -> None:
    with httpx.Client(base_url=service.url, timeout=60) as client:
        session_id = client.post("/start-session", json={"candidate_id": "one-figure"}).json()["session_id"]
        frame = {"session_id": session_id, "frame": b64("face1_grace_hopper.jpg"), "timestamp": 1.0}
        assert client.post("/analyze-frame", json=frame).status_code == 200
        event = {"type": "tab_hidden", "timestamp": 2.0}
        assert client.post(f"/sessions/{session_id}/client-events", json=event).status_code == 201
        status = client.get(f"/sessions/{session_id}").json()
        assert status["risk"]["score"] > 0
        assert status["risk"]["score"] == status["summary"]["final_risk"]
        [row] = [r for r in client.get("/sessions").json()["sessions"] if r["session_id"] == session_id]
        assert row["peak_risk"] == status["summary"]["peak_risk"]
        report = client.post("/end-session", json={"session_id": session_id}).json()
        assert report["summary"]["final_risk"] == status["risk"]["score"]
        assert max(score for _, score in report["risk_timeline"]) == report["summary"]["peak_risk"]


def test_a_still_sent_to_a_new_session_is_always_searched_for_objects(service: ServiceProcess) -> None:
    # the schedule is by stream time: a session's first frame runs every detector, whatever its id
    with httpx.Client(base_url=service.url, timeout=60) as client:
        for attempt in range(6):
            session_id = client.post("/start-session", json={"candidate_id": f"still-{attempt}"}).json()["session_id"]
            body = {"session_id": session_id, "frame": b64("obj_phone_only.jpg")}
            result = client.post("/analyze-frame", json=body).json()
            assert result["objects_analyzed"] is True, session_id
            assert "cell phone" in {o["label"] for o in result["objects"]}, session_id


def test_an_idempotency_key_starts_one_session(service: ServiceProcess) -> None:
    with httpx.Client(base_url=service.url, timeout=60) as client:
        key = {"Idempotency-Key": f"retry-{time.time()}"}
        first = client.post("/start-session", json={"candidate_id": "idem"}, headers=key)
        again = client.post("/start-session", json={"candidate_id": "idem"}, headers=key)
        assert first.status_code == again.status_code == 201
        assert again.json()["session_id"] == first.json()["session_id"]
        other = client.post("/start-session", json={"candidate_id": "someone else"}, headers=key)
        assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_conflict"
        assert client.delete(f"/sessions/{first.json()['session_id']}").status_code in (200, 204)
        spent = client.post("/start-session", json={"candidate_id": "idem"}, headers=key)
        assert spent.status_code == 409 and spent.json()["error"]["code"] == "idempotency_key_spent"


def test_a_frames_answer_is_its_models_json_and_the_frame_is_timed(service: ServiceProcess) -> None:
    with httpx.Client(base_url=service.url, timeout=60) as client:
        before = parse_stage_totals(client.get("/metrics").text)
        session_id = start(client)
        body = {"frame": b64("faces2_portraits.jpg"), "timestamp": 0.0, "frame_id": "a"}
        first = client.post(f"/sessions/{session_id}/frames", json=body)
        assert first.status_code == 200 and first.headers["content-type"] == "application/json"
        data = first.json()
        assert data == FrameResult.model_validate(data).model_dump(mode="json")
        assert set(data) == set(FrameResult.model_fields) and data["faces"]["count"] == 2
        files = {"frame": ("f.jpg", jpeg("face1_grace_hopper.jpg"), "image/jpeg")}
        upload = client.post("/analyze-frame", data={"session_id": session_id, "timestamp": "0.2"}, files=files)
        assert upload.json() == FrameResult.model_validate(upload.json()).model_dump(mode="json")
        # sent again: the kept answer, word for word but for `resent`
        again = client.post(f"/sessions/{session_id}/frames", json=body).json()
        assert again == {**data, "resent": True}
        after = parse_stage_totals(client.get("/metrics").text)
    for stage in STAGES:  # the two frames analysed here, each stage once
        assert after[stage][1] - before.get(stage, (0.0, 0.0))[1] == 2, stage
    assert after["models"][0] > before.get("models", (0.0, 0.0))[0]
