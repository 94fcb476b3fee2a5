from __future__ import annotations

import time

import httpx

from tests.api.conftest import b64
from tests.servers import ServiceProcess


def test_idle_sessions_expire_and_reports_are_kept_for_the_retention_period(tight_service: ServiceProcess) -> None:
    with httpx.Client(base_url=tight_service.url, timeout=30) as client:
        idle = client.post("/start-session", json={"candidate_id": "idle"}).json()["session_id"]
        ended = client.post("/start-session", json={"candidate_id": "ended"}).json()["session_id"]
        client.post("/analyze-frame", json={"session_id": ended, "frame": b64("face1_grace_hopper.jpg")})
        client.post("/end-session", json={"session_id": ended})
        time.sleep(2.8)
        assert client.get(f"/sessions/{idle}").status_code == 404
        report = client.get(f"/sessions/{ended}/report")
        assert report.status_code == 200 and report.json()["summary"]["frames_analyzed"] == 1
        time.sleep(2.0)
        assert client.get(f"/sessions/{ended}/report").status_code == 404
