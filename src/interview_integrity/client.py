"""Python client for the interview integrity service: a sync `InterviewClient` and an async twin.

    client = InterviewClient("http://localhost:8000")
    session_id = client.start_session("candidate_123")
    result = client.analyze_frame_from_array(session_id, frame)   # frame: numpy BGR image
    report = client.end_session(session_id)

Errors from the service raise typed exceptions built from its `{"error": {"code", "message"}}` body; 429 and
503 are retried with exponential backoff, honouring Retry-After.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from interview_integrity.webrtc_client import WebRTCRun

__all__ = [
    "ApiError", "AsyncInterviewClient", "AuthenticationError", "BadRequestError", "ConflictError",
    "InterviewClient", "NotFoundError", "PayloadTooLargeError", "RateLimitError", "ServiceUnavailableError",
    "UnsupportedMediaTypeError", "ValidationError",
]  # fmt: skip

_RETRY_STATUSES = {429, 503}


class ApiError(Exception):
    """An error answer from the service. `status`, `code` and `message` come from its JSON body."""

    def __init__(self, status: int, code: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


class BadRequestError(ApiError): ...


class AuthenticationError(ApiError): ...


class NotFoundError(ApiError): ...


class ConflictError(ApiError): ...


class PayloadTooLargeError(ApiError): ...


class UnsupportedMediaTypeError(ApiError): ...


class ValidationError(ApiError): ...


class RateLimitError(ApiError): ...


class ServiceUnavailableError(ApiError): ...


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError, 401: AuthenticationError, 404: NotFoundError, 409: ConflictError,
    413: PayloadTooLargeError, 415: UnsupportedMediaTypeError, 422: ValidationError, 429: RateLimitError,
    503: ServiceUnavailableError,
}  # fmt: skip


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def error_from(response: httpx.Response) -> ApiError:
    try:
        body = response.json()["error"]
        code, message = str(body["code"]), str(body["message"])
    except (ValueError, KeyError, TypeError):
        code, message = "http_error", response.text[:200] or response.reason_phrase
    kind = _BY_STATUS.get(response.status_code, ApiError)
    return kind(response.status_code, code, message, _retry_after(response))


def jpeg_from_array(frame: Any, quality: int = 85) -> bytes:
    """Encode a numpy BGR image (OpenCV's layout) as JPEG."""
    import cv2

    ok, buffer = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("the frame could not be encoded as JPEG; expected a numpy BGR image")
    return bytes(buffer.tobytes())


class _Base:
    def __init__(self, base_url: str, *, api_key: str | None, retries: int, backoff_s: float, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = {"X-API-Key": api_key} if api_key else {}
        self.api_key = api_key
        self.retries = retries
        self.backoff_s = backoff_s
        self.timeout = timeout

    def _delay(self, attempt: int, error: ApiError) -> float:
        return error.retry_after if error.retry_after is not None else self.backoff_s * 2**attempt

    @staticmethod
    def _session_body(
        candidate_id: str, policy: str | dict[str, Any] | None, metadata: dict[str, Any] | None, evidence: bool | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"candidate_id": candidate_id, "metadata": metadata or {}}
        if policy is not None:
            body["policy"] = policy
        if evidence is not None:
            body["evidence"] = evidence
        return body

    @staticmethod
    def _event_body(event_type: str, timestamp: float | None, detail: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": event_type}
        if timestamp is not None:
            body["timestamp"] = timestamp
        if detail is not None:
            body["detail"] = detail
        return body

    @staticmethod
    def _list_params(**filters: Any) -> dict[str, Any]:
        return {"params": {k: v for k, v in filters.items() if v is not None}}

    @staticmethod
    def _review_body(event_id: str | None, decision: str, note: str, reviewer: str) -> dict[str, Any]:
        return {"json": {"event_id": event_id, "decision": decision, "note": note, "reviewer": reviewer}}

    @staticmethod
    def _photo_body(photo: bytes) -> dict[str, Any]:
        return {"json": {"photo": base64.b64encode(photo).decode()}}

    @staticmethod
    def _frame_request(session_id: str, frame: bytes, timestamp: float | None) -> dict[str, Any]:
        data = {"session_id": session_id}
        if timestamp is not None:
            data["timestamp"] = str(timestamp)
        return {"data": data, "files": {"frame": ("frame.jpg", frame, "image/jpeg")}}

    @property
    def ws_url(self) -> str:
        url = self.base_url.replace("https://", "wss://").replace("http://", "ws://") + "/ws/stream"
        return f"{url}?api_key={self.api_key}" if self.api_key else url


class InterviewClient(_Base):
    def __init__(
        self, base_url: str = "http://localhost:8000", *, api_key: str | None = None, retries: int = 3,
        backoff_s: float = 0.5, timeout: float = 30.0,
    ) -> None:  # fmt: skip
        super().__init__(base_url, api_key=api_key, retries=retries, backoff_s=backoff_s, timeout=timeout)
        self._http = httpx.Client(base_url=self.base_url, headers=self.headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> InterviewClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        for attempt in range(self.retries + 1):
            response = self._http.request(method, path, **kwargs)
            if response.is_success:
                return response.json() if response.content else None
            error = error_from(response)
            if response.status_code not in _RETRY_STATUSES or attempt == self.retries:
                raise error
            time.sleep(self._delay(attempt, error))
        raise AssertionError("unreachable")

    def start_session(
        self, candidate_id: str, *, policy: str | dict[str, Any] | None = None, metadata: dict[str, Any] | None = None,
        evidence: bool | None = None,
    ) -> str:  # fmt: skip
        body = self._session_body(candidate_id, policy, metadata, evidence)
        return str(self._request("POST", "/start-session", json=body)["session_id"])

    def analyze_frame(self, session_id: str, frame: bytes, timestamp: float | None = None) -> dict[str, Any]:
        """One JPEG, PNG or WebP frame (bytes)."""
        result: dict[str, Any] = self._request(
            "POST", "/analyze-frame", **self._frame_request(session_id, frame, timestamp)
        )
        return result

    def analyze_frame_from_array(self, session_id: str, frame: Any, timestamp: float | None = None) -> dict[str, Any]:
        """A numpy BGR image, as OpenCV reads it."""
        return self.analyze_frame(session_id, jpeg_from_array(frame), timestamp)

    def analyze_frame_from_file(
        self, session_id: str, path: str | Path, timestamp: float | None = None
    ) -> dict[str, Any]:
        return self.analyze_frame(session_id, Path(path).read_bytes(), timestamp)

    def end_session(self, session_id: str) -> dict[str, Any]:
        report: dict[str, Any] = self._request("POST", "/end-session", json={"session_id": session_id})
        return report

    def get_report(self, session_id: str) -> dict[str, Any]:
        report: dict[str, Any] = self._request("GET", f"/sessions/{session_id}/report")
        return report

    def get_status(self, session_id: str) -> dict[str, Any]:
        status: dict[str, Any] = self._request("GET", f"/sessions/{session_id}")
        return status

    def send_client_event(
        self, session_id: str, event_type: str, timestamp: float | None = None, detail: str | None = None
    ) -> dict[str, Any]:
        """tab_hidden, window_blur, fullscreen_exit, copy_paste, or camera (the camera's label as `detail`)."""
        body = self._event_body(event_type, timestamp, detail)
        result: dict[str, Any] = self._request("POST", f"/sessions/{session_id}/client-events", json=body)
        return result

    def list_sessions(self, **filters: Any) -> dict[str, Any]:
        """The caller's sessions, newest first: candidate_id, status, verdict, created_from, created_to, limit,
        cursor (the last page's `next_cursor`)."""
        page: dict[str, Any] = self._request("GET", "/sessions", **self._list_params(**filters))
        return page

    def report_link(self, session_id: str, ttl_s: int | None = None) -> str:
        """A signed link to the reviewer's page that opens in a browser without an API key."""
        link = self._request("GET", f"/sessions/{session_id}/report-link", **self._list_params(ttl_s=ttl_s))
        return str(link["url"])

    def review(
        self, session_id: str, decision: str, *, event_id: str | None = None, note: str = "", reviewer: str = ""
    ) -> dict[str, Any]:
        result: dict[str, Any] = self._request(
            "POST", f"/sessions/{session_id}/review", **self._review_body(event_id, decision, note, reviewer)
        )
        return result

    def set_reference_photo(self, session_id: str, photo: bytes) -> dict[str, Any]:
        result: dict[str, Any] = self._request(
            "POST", f"/sessions/{session_id}/reference-photo", **self._photo_body(photo)
        )
        return result

    def calibrate(self, session_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._request("POST", f"/sessions/{session_id}/calibrate")
        return result

    def delete_session(self, session_id: str) -> None:
        self._request("DELETE", f"/sessions/{session_id}")

    def stream(
        self, frames: Iterable[Any], *, candidate_id: str | None = None, session_id: str | None = None,
        policy: str | dict[str, Any] | None = None, end: bool = True,
    ) -> Iterator[dict[str, Any]]:  # fmt: skip
        """Send frames (numpy BGR images or encoded bytes) over the WebSocket, one at a time, and yield each
        answer: `session`, then `result` (or `skipped`/`error`) per frame, and the `report` last when `end`."""
        from websockets.sync.client import connect

        with connect(self.ws_url, max_size=None, open_timeout=self.timeout) as socket:
            hello: dict[str, Any] = {"type": "resume", "session_id": session_id} if session_id else {
                "type": "start", "candidate_id": candidate_id or "candidate", "policy": policy}  # fmt: skip
            socket.send(json.dumps(hello))
            yield json.loads(socket.recv(timeout=self.timeout))
            for frame in frames:
                socket.send(frame if isinstance(frame, bytes) else jpeg_from_array(frame))
                yield json.loads(socket.recv(timeout=self.timeout))
            if end:
                socket.send(json.dumps({"type": "end"}))
                while True:
                    message = json.loads(socket.recv(timeout=self.timeout))
                    yield message
                    if message["type"] == "report":
                        break


class AsyncInterviewClient(_Base):
    def __init__(
        self, base_url: str = "http://localhost:8000", *, api_key: str | None = None, retries: int = 3,
        backoff_s: float = 0.5, timeout: float = 30.0,
    ) -> None:  # fmt: skip
        super().__init__(base_url, api_key=api_key, retries=retries, backoff_s=backoff_s, timeout=timeout)
        self._http = httpx.AsyncClient(base_url=self.base_url, headers=self.headers, timeout=timeout)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncInterviewClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        for attempt in range(self.retries + 1):
            response = await self._http.request(method, path, **kwargs)
            if response.is_success:
                return response.json() if response.content else None
            error = error_from(response)
            if response.status_code not in _RETRY_STATUSES or attempt == self.retries:
                raise error
            await asyncio.sleep(self._delay(attempt, error))
        raise AssertionError("unreachable")

    async def start_session(
        self, candidate_id: str, *, policy: str | dict[str, Any] | None = None, metadata: dict[str, Any] | None = None,
        evidence: bool | None = None,
    ) -> str:  # fmt: skip
        body = self._session_body(candidate_id, policy, metadata, evidence)
        return str((await self._request("POST", "/start-session", json=body))["session_id"])

    async def analyze_frame(self, session_id: str, frame: bytes, timestamp: float | None = None) -> dict[str, Any]:
        result: dict[str, Any] = await self._request(
            "POST", "/analyze-frame", **self._frame_request(session_id, frame, timestamp)
        )
        return result

    async def analyze_frame_from_array(
        self, session_id: str, frame: Any, timestamp: float | None = None
    ) -> dict[str, Any]:
        return await self.analyze_frame(session_id, jpeg_from_array(frame), timestamp)

    async def analyze_frame_from_file(
        self, session_id: str, path: str | Path, timestamp: float | None = None
    ) -> dict[str, Any]:
        return await self.analyze_frame(session_id, Path(path).read_bytes(), timestamp)

    async def end_session(self, session_id: str) -> dict[str, Any]:
        report: dict[str, Any] = await self._request("POST", "/end-session", json={"session_id": session_id})
        return report

    async def get_report(self, session_id: str) -> dict[str, Any]:
        report: dict[str, Any] = await self._request("GET", f"/sessions/{session_id}/report")
        return report

    async def send_client_event(
        self, session_id: str, event_type: str, timestamp: float | None = None, detail: str | None = None
    ) -> dict[str, Any]:
        body = self._event_body(event_type, timestamp, detail)
        result: dict[str, Any] = await self._request("POST", f"/sessions/{session_id}/client-events", json=body)
        return result

    async def list_sessions(self, **filters: Any) -> dict[str, Any]:
        page: dict[str, Any] = await self._request("GET", "/sessions", **self._list_params(**filters))
        return page

    async def report_link(self, session_id: str, ttl_s: int | None = None) -> str:
        link = await self._request("GET", f"/sessions/{session_id}/report-link", **self._list_params(ttl_s=ttl_s))
        return str(link["url"])

    async def calibrate(self, session_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._request("POST", f"/sessions/{session_id}/calibrate")
        return result

    async def start_webrtc(self, session_id: str, offer: dict[str, Any]) -> dict[str, Any]:
        """POST an SDP offer ({sdp, type: "offer", fps?}); the answer. `stream_webrtc` does the rest for you."""
        answer: dict[str, Any] = await self._request("POST", f"/sessions/{session_id}/webrtc", json=offer)
        return answer

    async def stream_webrtc(self, session_id: str, source: str | Path, **options: Any) -> WebRTCRun:
        """Play a video file or a webcam (`media_format="v4l2"`) to the session as a WebRTC track; see
        interview_integrity.webrtc_client.stream_webrtc for the options."""
        from interview_integrity.webrtc_client import stream_webrtc  # aiortc is only loaded when used

        return await stream_webrtc(self, session_id, source, **options)
