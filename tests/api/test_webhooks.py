"""Webhooks to a real receiver on loopback: signed, one `session.ended` per ended session, retried after a
500 with the same delivery id, and every attempt in the session's delivery log."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from pydantic import TypeAdapter

from interview_integrity.service.results import HighEventRaised, SessionEnded
from interview_integrity.service.webhooks import WebhookBody
from tests.api.conftest import b64
from tests.servers import ServiceProcess, wait_for

SECRET = "hook-secret"


class Receiver:
    """An HTTP server that answers 500 to the first attempt of every delivery and 200 to the rest."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._lock:
                    delivery = self.headers["X-Interview-Integrity-Delivery"]
                    first = all(h["X-Interview-Integrity-Delivery"] != delivery for h, _ in receiver.received)
                    receiver.received.append((dict(self.headers.items()), body))
                self.send_response(500 if first else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def of_event(self, event: str) -> list[tuple[dict[str, str], bytes]]:
        with self._lock:
            return [(h, b) for h, b in self.received if h["X-Interview-Integrity-Event"] == event]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def hooked_service(receiver: Receiver) -> Iterator[ServiceProcess]:
    server = ServiceProcess({"WEBHOOK_URL": receiver.url, "WEBHOOK_SECRET": SECRET, "WEBHOOK_ATTEMPTS": "3"})
    yield server
    server.stop()


def verified_body(headers: dict[str, str], body: bytes) -> dict[str, object]:
    parts = dict(part.split("=", 1) for part in headers["X-Interview-Integrity-Signature"].split(","))
    expected = hmac.new(SECRET.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected), "the signature does not match the body"
    assert abs(time.time() - int(parts["t"])) < 60
    return dict(json.loads(body))


def test_one_signed_delivery_per_ended_session_retried_after_a_500(
    hooked_service: ServiceProcess, receiver: Receiver
) -> None:
    with httpx.Client(base_url=hooked_service.url, timeout=60) as client:
        session_id = client.post("/start-session", json={"candidate_id": "hooked"}).json()["session_id"]
        frame = b64("face1_grace_hopper.jpg")
        assert client.post("/analyze-frame", json={"session_id": session_id, "frame": frame}).status_code == 200
        ended = client.post("/end-session", json={"session_id": session_id})
        again = client.post("/end-session", json={"session_id": session_id})  # idempotent: no second delivery
        assert ended.status_code == again.status_code == 200

        def mine() -> list[tuple[dict[str, str], bytes]]:
            return [(h, b) for h, b in receiver.of_event("session.ended") if session_id.encode() in b]

        wait_for(lambda: len(mine()) >= 2, 20, "the retried delivery")
        time.sleep(2.5)  # a third attempt would come 2 s after the second
        attempts = mine()
        assert len(attempts) == 2, [h["X-Interview-Integrity-Delivery"] for h, _ in attempts]
        ids = {h["X-Interview-Integrity-Delivery"] for h, _ in attempts}
        assert len(ids) == 1, "a retry carries the same delivery id"
        for headers, body in attempts:
            payload = verified_body(headers, body)
            assert payload["event"] == "session.ended" and payload["delivery"] in ids
            data = payload["data"]
            assert isinstance(data, dict) and data["session_id"] == session_id
            assert data["verdict"] == ended.json()["summary"]["verdict"]

        log = client.get(f"/sessions/{session_id}/webhooks").json()
        [delivery] = [d for d in log["deliveries"] if d["event"] == "session.ended"]
        assert delivery["id"] in ids and delivery["attempts"] == 2
        assert delivery["delivered"] is True and delivery["status"] == 200


def test_the_first_high_event_is_delivered_once_as_the_schema_declares(
    hooked_service: ServiceProcess, receiver: Receiver
) -> None:
    with httpx.Client(base_url=hooked_service.url, timeout=60) as client:
        session_id = client.post("/start-session", json={"candidate_id": "hooked-high"}).json()["session_id"]
        two = b64("faces2_portraits.jpg")
        for i in range(20):  # 4 s of two faces: one multiple_faces (high), raised once
            frame = {"session_id": session_id, "frame": two, "timestamp": i * 0.2}
            assert client.post("/analyze-frame", json=frame).status_code == 200
        client.post("/end-session", json={"session_id": session_id})

    def mine() -> list[tuple[dict[str, str], bytes]]:
        return [(h, b) for h, b in receiver.of_event("event.high") if session_id.encode() in b]

    wait_for(lambda: len(mine()) >= 2, 20, "the high event's delivery and its retry")
    time.sleep(1.0)
    attempts = mine()
    assert len({h["X-Interview-Integrity-Delivery"] for h, _ in attempts}) == 1  # one event.high per session
    verified_body(*attempts[0])
    body = TypeAdapter(WebhookBody).validate_json(attempts[0][1])  # what /openapi.json's `webhooks` declares
    assert isinstance(body.data, HighEventRaised)
    assert body.data.session_id == session_id and body.data.event.type == "multiple_faces"
    assert body.data.event.severity == "high"
    ended = [b for _, b in receiver.of_event("session.ended") if session_id.encode() in b]
    assert ended and isinstance(TypeAdapter(WebhookBody).validate_json(ended[0]).data, SessionEnded)
