"""Every REST call of the client, declared once: the request it sends and how its answer is read.

`InterviewClient` (sync.py) and `AsyncInterviewClient` (aio.py) send the same `Call`s, each in its own way,
so the twins cannot drift apart in what they ask; tests/clients/test_parity.py checks they offer the same
methods with the same parameters.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def _json(answer: Any) -> dict[str, Any]:
    return dict(answer) if isinstance(answer, dict) else {}


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)  # httpx request keywords: json, data, files, params
    read: Callable[[Any], Any] = _json


def jpeg_from_array(frame: Any, quality: int = 85) -> bytes:
    """Encode a numpy BGR image (OpenCV's layout) as JPEG."""
    import cv2

    ok, buffer = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("the frame could not be encoded as JPEG; expected a numpy BGR image")
    return bytes(buffer.tobytes())


def _present(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def start_session(
    candidate_id: str, policy: str | dict[str, Any] | None, metadata: dict[str, Any] | None, evidence: bool | None
) -> Call:
    body = {"candidate_id": candidate_id, "metadata": metadata or {}, **_present(policy=policy, evidence=evidence)}
    return Call("POST", "/start-session", {"json": body}, lambda answer: str(answer["session_id"]))


def analyze_frame(session_id: str, frame: bytes, timestamp: float | None, frame_id: str | None = None) -> Call:
    """A frame with a timestamp or a frame_id may be sent again safely: the server answers it as before."""
    data = {
        "session_id": session_id,
        **_present(timestamp=None if timestamp is None else str(timestamp), frame_id=frame_id),
    }
    return Call("POST", "/analyze-frame", {"data": data, "files": {"frame": ("frame.jpg", frame, "image/jpeg")}})


def send_audio(session_id: str, wav: bytes, timestamp: float | None) -> Call:
    body = {"audio": base64.b64encode(wav).decode(), **_present(timestamp=timestamp)}
    return Call("POST", f"/sessions/{session_id}/audio", {"json": body})


def end_session(session_id: str) -> Call:
    return Call("POST", "/end-session", {"json": {"session_id": session_id}})


def get_report(session_id: str) -> Call:
    return Call("GET", f"/sessions/{session_id}/report")


def get_status(session_id: str) -> Call:
    return Call("GET", f"/sessions/{session_id}")


def send_client_event(session_id: str, event_type: str, timestamp: float | None, detail: str | None) -> Call:
    body = {"type": event_type, **_present(timestamp=timestamp, detail=detail)}
    return Call("POST", f"/sessions/{session_id}/client-events", {"json": body})


def list_sessions(filters: dict[str, Any]) -> Call:
    return Call("GET", "/sessions", {"params": _present(**filters)})


def report_link(session_id: str, ttl_s: int | None) -> Call:
    return Call(
        "GET", f"/sessions/{session_id}/report-link", {"params": _present(ttl_s=ttl_s)}, lambda a: str(a["url"])
    )


def review(session_id: str, decision: str, event_id: str | None, note: str, reviewer: str) -> Call:
    body = {"event_id": event_id, "decision": decision, "note": note, "reviewer": reviewer}
    return Call("POST", f"/sessions/{session_id}/review", {"json": body})


def set_reference_photo(session_id: str, photo: bytes) -> Call:
    body = {"photo": base64.b64encode(photo).decode()}
    return Call("POST", f"/sessions/{session_id}/reference-photo", {"json": body})


def calibrate(session_id: str) -> Call:
    return Call("POST", f"/sessions/{session_id}/calibrate")


def delete_session(session_id: str) -> Call:
    return Call("DELETE", f"/sessions/{session_id}", read=lambda _: None)


def start_webrtc(session_id: str, offer: dict[str, Any]) -> Call:
    return Call("POST", f"/sessions/{session_id}/webrtc", {"json": offer})


def stream_hello(
    candidate_id: str | None, session_id: str | None, policy: str | dict[str, Any] | None
) -> dict[str, Any]:
    """The WebSocket's first message: resume a session, or start one."""
    if session_id:
        return {"type": "resume", "session_id": session_id}
    return {"type": "start", "candidate_id": candidate_id or "candidate", "policy": policy}


def frame_message(frame: Any) -> bytes:
    """A frame as the WebSocket's binary message: encoded bytes as given, a numpy BGR image as JPEG."""
    return frame if isinstance(frame, bytes) else jpeg_from_array(frame)


def ws_url(base_url: str, api_key: str | None) -> str:
    url = base_url.replace("https://", "wss://").replace("http://", "ws://") + "/ws/stream"
    return f"{url}?api_key={api_key}" if api_key else url
