"""Issue 7 through the API: report.html, evidence only when switched on, reviews, DELETE and expiry."""

from __future__ import annotations

import time

import httpx

from tests.api.conftest import b64
from tests.servers import ServiceProcess
from tests.servers_browser import screenshot


def two_face_session(client: httpx.Client, evidence: bool | None) -> str:
    body: dict[str, object] = {"candidate_id": "report-api"}
    if evidence is not None:
        body["evidence"] = evidence
    session_id = str(client.post("/start-session", json=body).json()["session_id"])
    two, one = b64("faces2_portraits.jpg"), b64("face1_grace_hopper.jpg")
    for i in range(20):
        frame = one if i < 5 else two
        assert (
            client.post(
                "/analyze-frame", json={"session_id": session_id, "frame": frame, "timestamp": i / 5}
            ).status_code
            == 200
        )
    return session_id


def test_evidence_is_off_by_default_and_on_when_asked(service: ServiceProcess) -> None:
    with httpx.Client(base_url=service.url, timeout=60) as client:
        plain = two_face_session(client, None)
        report = client.post("/end-session", json={"session_id": plain}).json()
        assert any(e["type"] == "multiple_faces" for e in report["events"]) and report["evidence"] == []
        assert "<img" not in client.get(f"/sessions/{plain}/report.html").text

        kept = two_face_session(client, True)
        report = client.post("/end-session", json={"session_id": kept}).json()
        [evidence] = [e for e in report["evidence"] if e["event_type"] == "multiple_faces"]
        assert evidence["frame_index"] >= 5 and len(evidence["jpeg_base64"]) > 1000
        page = client.get(f"/sessions/{kept}/report.html")
        assert page.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert page.text.count('<figure id="evidence-') == len(report["evidence"])
        assert evidence["width"] == 640 and any(box["event"] for box in evidence["boxes"])
        shot = screenshot(f"{service.url}/sessions/{kept}/report.html", "report_api_two_faces.png")
        assert shot.stat().st_size > 20_000

        # reviewer decisions are recorded, shown, and never change the measured events
        event_id = evidence["event_id"]
        review = client.post(
            f"/sessions/{kept}/review", json={"event_id": event_id, "decision": "dismissed", "note": "her daughter"}
        )
        assert review.status_code == 201 and review.json()["decision"] == "dismissed"
        whole = client.post(f"/sessions/{kept}/review", json={"event_id": None, "decision": "confirmed"})
        assert whole.status_code == 201
        assert (
            client.post(f"/sessions/{kept}/review", json={"event_id": "nope", "decision": "dismissed"}).status_code
            == 404
        )
        after = client.get(f"/sessions/{kept}/report").json()
        assert after["events"] == report["events"] and len(after["reviews"]) == 2
        assert "her daughter" in client.get(f"/sessions/{kept}/report.html").text

        assert client.delete(f"/sessions/{kept}").status_code == 204
        for path in (f"/sessions/{kept}", f"/sessions/{kept}/report", f"/sessions/{kept}/report.html"):
            assert client.get(path).status_code == 404
        assert client.delete(f"/sessions/{kept}").status_code == 404


def test_evidence_expires_with_the_session(tight_service: ServiceProcess) -> None:
    with httpx.Client(base_url=tight_service.url, timeout=60) as client:
        session_id = two_face_session(client, True)
        client.post("/end-session", json={"session_id": session_id})
        assert client.get(f"/sessions/{session_id}/report").json()["evidence"]
        time.sleep(4.5)  # REPORT_RETENTION_S=4
        assert client.get(f"/sessions/{session_id}/report.html").status_code == 404
