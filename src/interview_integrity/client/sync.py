"""The synchronous client.

    client = InterviewClient("http://localhost:8000")
    session_id = client.start_session("candidate_123")
    result = client.analyze_frame_from_array(session_id, frame)   # frame: numpy BGR image
    report = client.end_session(session_id)

Errors from the service raise typed exceptions (errors.py); 429 and 503 are retried with exponential
backoff, honouring Retry-After. `AsyncInterviewClient` (aio.py) has the same methods, awaitable.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from interview_integrity.client import calls
from interview_integrity.client.errors import RETRY_STATUSES, error_from, retry_delay

if TYPE_CHECKING:
    from interview_integrity.client.webrtc import WebRTCRun


class InterviewClient:
    def __init__(
        self, base_url: str = "http://localhost:8000", *, api_key: str | None = None, retries: int = 3,
        backoff_s: float = 0.5, timeout: float = 30.0,
    ) -> None:  # fmt: skip
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.retries, self.backoff_s, self.timeout = retries, backoff_s, timeout
        headers = {"X-API-Key": api_key} if api_key else {}
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> InterviewClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _send(self, call: calls.Call) -> Any:
        for attempt in range(self.retries + 1):
            response = self._http.request(call.method, call.path, **call.options)
            if response.is_success:
                return call.read(response.json() if response.content else None)
            error = error_from(response)
            if response.status_code not in RETRY_STATUSES or attempt == self.retries:
                raise error
            time.sleep(retry_delay(self.backoff_s, attempt, error))
        raise AssertionError("unreachable")

    def start_session(
        self, candidate_id: str, *, policy: str | dict[str, Any] | None = None, metadata: dict[str, Any] | None = None,
        evidence: bool | None = None,
    ) -> str:  # fmt: skip
        return str(self._send(calls.start_session(candidate_id, policy, metadata, evidence)))

    def analyze_frame(
        self, session_id: str, frame: bytes, timestamp: float | None = None, frame_id: str | None = None
    ) -> dict[str, Any]:
        """One JPEG, PNG or WebP frame (bytes). Sent again with its timestamp or frame_id (a retry), it is answered
        as before (`resent`), never counted twice."""
        result: dict[str, Any] = self._send(calls.analyze_frame(session_id, frame, timestamp, frame_id))
        return result

    def analyze_frame_from_array(self, session_id: str, frame: Any, timestamp: float | None = None) -> dict[str, Any]:
        """A numpy BGR image, as OpenCV reads it."""
        return self.analyze_frame(session_id, calls.jpeg_from_array(frame), timestamp)

    def analyze_frame_from_file(
        self, session_id: str, path: str | Path, timestamp: float | None = None
    ) -> dict[str, Any]:
        return self.analyze_frame(session_id, Path(path).read_bytes(), timestamp)

    def send_audio(self, session_id: str, wav: bytes, timestamp: float | None = None) -> dict[str, Any]:
        """One chunk of the session's sound: a 16-bit PCM WAV (mono or stereo, 8-48 kHz, 0.1-10 s) and the time of
        its first sample on the session's clock. Chunks go in time order; none of the sound is kept."""
        result: dict[str, Any] = self._send(calls.send_audio(session_id, wav, timestamp))
        return result

    def send_video(
        self, session_id: str, path: str | Path, *, fps: float = 5.0, sound: bool = True
    ) -> list[dict[str, Any]]:
        """Send a recorded video over REST as a live client would: its frames at `fps` and, with `sound`, its
        sound in one-second WAV chunks, each when it would have been recorded, with the file's own timestamps.
        Every answer, in order (frame results, and audio results with `duration_s`)."""
        from interview_integrity.client.media import video_items

        answers: list[dict[str, Any]] = []
        for item in video_items(Path(path), fps, sound):
            if item.kind == "frame":
                answers.append(self.analyze_frame(session_id, item.data, item.timestamp))
            else:
                answers.append(self.send_audio(session_id, item.data, item.timestamp))
        return answers

    def end_session(self, session_id: str) -> dict[str, Any]:
        report: dict[str, Any] = self._send(calls.end_session(session_id))
        return report

    def get_report(self, session_id: str) -> dict[str, Any]:
        report: dict[str, Any] = self._send(calls.get_report(session_id))
        return report

    def get_status(self, session_id: str) -> dict[str, Any]:
        status: dict[str, Any] = self._send(calls.get_status(session_id))
        return status

    def send_client_event(
        self, session_id: str, event_type: str, timestamp: float | None = None, detail: str | None = None
    ) -> dict[str, Any]:
        """tab_hidden, window_blur, fullscreen_exit, copy_paste, or camera (the camera's label as `detail`)."""
        result: dict[str, Any] = self._send(calls.send_client_event(session_id, event_type, timestamp, detail))
        return result

    def list_sessions(self, **filters: Any) -> dict[str, Any]:
        """The caller's sessions, newest first: candidate_id, status, verdict, created_from, created_to, limit,
        cursor (the last page's `next_cursor`)."""
        page: dict[str, Any] = self._send(calls.list_sessions(filters))
        return page

    def report_link(self, session_id: str, ttl_s: int | None = None) -> str:
        """A signed link to the reviewer's page that opens in a browser without an API key."""
        return str(self._send(calls.report_link(session_id, ttl_s)))

    def review(
        self, session_id: str, decision: str, *, event_id: str | None = None, note: str = "", reviewer: str = ""
    ) -> dict[str, Any]:
        """A reviewer's decision on one event (`event_id`) or on the whole session: confirmed or dismissed."""
        result: dict[str, Any] = self._send(calls.review(session_id, decision, event_id, note, reviewer))
        return result

    def set_reference_photo(self, session_id: str, photo: bytes) -> dict[str, Any]:
        """Compare the session's face with this photo's one face (only its embedding is kept)."""
        result: dict[str, Any] = self._send(calls.set_reference_photo(session_id, photo))
        return result

    def calibrate(self, session_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._send(calls.calibrate(session_id))
        return result

    def delete_session(self, session_id: str) -> None:
        self._send(calls.delete_session(session_id))

    def start_webrtc(self, session_id: str, offer: dict[str, Any]) -> dict[str, Any]:
        """POST an SDP offer ({sdp, type: "offer", fps?}); the answer. `stream_webrtc` does the rest for you."""
        answer: dict[str, Any] = self._send(calls.start_webrtc(session_id, offer))
        return answer

    def stream(
        self, frames: Iterable[Any], *, candidate_id: str | None = None, session_id: str | None = None,
        policy: str | dict[str, Any] | None = None, end: bool = True,
    ) -> Iterator[dict[str, Any]]:  # fmt: skip
        """Send frames (numpy BGR images or encoded bytes) over the WebSocket, one at a time, and yield each
        answer: `session`, then `result` (or `skipped`/`error`) per frame, and the `report` last when `end`."""
        from websockets.sync.client import connect

        with connect(calls.ws_url(self.base_url, self.api_key), max_size=None, open_timeout=self.timeout) as socket:
            socket.send(json.dumps(calls.stream_hello(candidate_id, session_id, policy)))
            yield json.loads(socket.recv(timeout=self.timeout))
            for frame in frames:
                socket.send(calls.frame_message(frame))
                yield json.loads(socket.recv(timeout=self.timeout))
            if end:
                socket.send(json.dumps({"type": "end"}))
                while True:
                    message = json.loads(socket.recv(timeout=self.timeout))
                    yield message
                    if message["type"] == "report":
                        break

    def stream_webrtc(self, session_id: str, source: str | Path, **options: Any) -> WebRTCRun:
        """Play a video file or a webcam to the session as a WebRTC track (blocks until it has played); see
        interview_integrity.client.webrtc.stream_webrtc for the options."""
        from interview_integrity.client.webrtc import stream_webrtc  # aiortc is only loaded when used

        return asyncio.run(stream_webrtc(_Offers(self), session_id, source, **options))


class _Offers:
    """The sync client's `start_webrtc`, awaitable, for the WebRTC run's event loop."""

    def __init__(self, client: InterviewClient) -> None:
        self._client = client

    async def start_webrtc(self, session_id: str, offer: dict[str, Any]) -> dict[str, Any]:
        return await asyncio.to_thread(self._client.start_webrtc, session_id, offer)
