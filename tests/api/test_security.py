from __future__ import annotations

import json

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.servers import ServiceProcess


def test_api_key_required_and_checked(keyed_service: ServiceProcess) -> None:
    with httpx.Client(base_url=keyed_service.url) as client:
        missing = client.post("/start-session", json={"candidate_id": "c"})
        assert missing.status_code == 401 and missing.json()["error"]["code"] == "missing_api_key"
        wrong = client.post("/start-session", json={"candidate_id": "c"}, headers={"X-API-Key": "key-x"})
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_api_key"
        ok = client.post("/start-session", json={"candidate_id": "c"}, headers={"X-API-Key": "key-a"})
        assert ok.status_code == 201
        assert client.get("/health").status_code == 200  # probes stay open


def test_a_session_is_visible_only_to_the_key_that_created_it(keyed_service: ServiceProcess) -> None:
    with httpx.Client(base_url=keyed_service.url) as client:
        session = client.post("/start-session", json={"candidate_id": "c"}, headers={"X-API-Key": "key-a"}).json()
        sid = session["session_id"]
        assert client.get(f"/sessions/{sid}", headers={"X-API-Key": "key-a"}).status_code == 200
        other = client.get(f"/sessions/{sid}", headers={"X-API-Key": "key-b"})
        assert other.status_code == 404 and other.json()["error"]["code"] == "session_not_found"
        ended = client.post("/end-session", json={"session_id": sid}, headers={"X-API-Key": "key-b"})
        assert ended.status_code == 404
        assert client.get(f"/sessions/{sid}", headers={"X-API-Key": "key-a"}).json()["status"] == "active"


def test_websocket_takes_the_key_as_a_query_parameter(keyed_service: ServiceProcess) -> None:
    url = keyed_service.url.replace("http", "ws") + "/ws/stream"
    for query, code in (("", "missing_api_key"), ("?api_key=key-x", "invalid_api_key")):
        with connect(url + query) as refused, pytest.raises(ConnectionClosed) as closed:
            refused.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008  # a close code, not an HTTP 403
        assert closed.value.rcvd.reason.startswith(code)
    with connect(url + "?api_key=key-a") as socket:
        socket.send(json.dumps({"type": "ping"}))
        assert json.loads(socket.recv(timeout=10)) == {"type": "pong"}


def test_cors_allows_only_configured_origins(keyed_service: ServiceProcess) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-api-key,content-type"}
    with httpx.Client(base_url=keyed_service.url) as client:
        allowed = client.options("/analyze-frame", headers={"Origin": "http://allowed.example", **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "http://allowed.example"
        denied = client.options("/analyze-frame", headers={"Origin": "http://evil.example", **preflight})
        assert "access-control-allow-origin" not in denied.headers


def test_rate_limit_answers_429_with_retry_after(keyed_service: ServiceProcess) -> None:
    with httpx.Client(base_url=keyed_service.url, headers={"X-API-Key": "key-rate"}) as client:
        statuses = [client.get("/sessions/none").status_code for _ in range(31)]
        assert statuses[:30] == [404] * 30
        limited = client.get("/sessions/none")
        assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
        # the sliding-minute estimate can ask for a little over a minute after a burst early in a minute
        assert 1 <= int(limited.headers["retry-after"]) <= 2 * 60
    other = httpx.get(keyed_service.url + "/sessions/none", headers={"X-API-Key": "key-b"})
    assert other.status_code == 404  # another key has its own budget


def test_request_ids_are_returned(keyed_service: ServiceProcess) -> None:
    response = httpx.get(keyed_service.url + "/health", headers={"X-Request-ID": "trace-123"})
    assert response.headers["x-request-id"] == "trace-123"
    assert len(httpx.get(keyed_service.url + "/health").headers["x-request-id"]) == 32
