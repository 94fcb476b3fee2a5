"""WS /ws/stream: a session over one socket.

Client -> server: a JSON `start` {candidate_id, policy?, metadata?} or `resume` {session_id}; then frames as
binary JPEG/PNG/WebP messages (timed on arrival) or JSON `frame` {frame, timestamp?}; `client_event`
{event, timestamp?}; `calibrate`; `end`. Server -> client: `session`, one `result` per analysed frame (the
same object as POST /analyze-frame), `skipped` when a newer frame replaced one still waiting (the socket
never queues stale frames), `error` {code, message, fatal} (the socket stays open unless fatal), and
`report` after `end`, then the socket closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from interview_integrity import logs
from interview_integrity.api.security import check_key, client_key, rate_limit
from interview_integrity.api.state import Services
from interview_integrity.errors import Busy, InvalidInput, ServiceError, Unauthorized
from interview_integrity.pipeline import Pipeline

router = APIRouter()
log = logging.getLogger("interview_integrity.ws")
_POLICY_VIOLATION = 1008


def parse_json(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("the message is not valid JSON", code="invalid_json") from None


class StreamSession:
    def __init__(self, socket: WebSocket, services: Services, pipeline: Pipeline, owner: str | None) -> None:
        self.socket = socket
        self.services = services
        self.pipeline = pipeline
        self.owner = owner
        self.session_id: str | None = None
        self.waiting: tuple[bytes | str, float] | None = None
        self.skipped = 0
        self._wake = asyncio.Event()
        self._send_lock = asyncio.Lock()
        self._idle = asyncio.Event()
        self._idle.set()

    async def send(self, message: dict[str, Any]) -> None:
        async with self._send_lock:
            await self.socket.send_json(message)

    async def error(self, error: ServiceError, fatal: bool = False) -> None:
        self.services.metrics.errors.labels(error.code).inc()
        await self.send({"type": "error", "code": error.code, "message": error.message, "fatal": fatal})

    async def offer(self, frame: bytes | str, timestamp: float) -> None:
        if self.session_id is None:
            raise InvalidInput("send a 'start' or 'resume' message before frames", code="no_session")
        if self.waiting is not None:
            await self.skip("a newer frame arrived while this one waited")
        self.waiting = (frame, timestamp)
        self._wake.set()

    async def skip(self, reason: str) -> None:
        self.skipped += 1
        self.services.metrics.skipped.inc()
        await self.send({"type": "skipped", "reason": reason, "skipped_total": self.skipped})

    async def work(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self.waiting is None or self.session_id is None:
                continue
            frame, timestamp = self.waiting
            self.waiting = None
            self._idle.clear()
            try:
                result = await self.pipeline.analyze_frame(self.session_id, self.owner, frame, timestamp)
                await self.send({"type": "result", **result})
            except Busy:
                await self.skip("all frame workers were busy")
            except ServiceError as error:
                await self.error(error)
            finally:
                self._idle.set()

    async def drained(self) -> None:
        while self.waiting is not None:
            self._wake.set()
            await asyncio.sleep(0.01)
        await self._idle.wait()

    async def handle(self, message: dict[str, Any]) -> bool:
        """Handle one JSON message; False when the socket should close."""
        kind = message.get("type")
        if kind == "start":
            candidate = message.get("candidate_id")
            if not isinstance(candidate, str) or not candidate:
                raise InvalidInput("'start' needs a non-empty candidate_id", code="invalid_start")
            metadata = message.get("metadata") or {}
            if not isinstance(metadata, dict):
                raise InvalidInput("'metadata' must be an object", code="invalid_start")
            record = await self.pipeline.start_session(candidate, message.get("policy"), metadata, self.owner)
            self.session_id = record.id
            logs.session_id.set(record.id)
            await self.send({"type": "session", "session_id": record.id, "candidate_id": candidate, "resumed": False,
                             "expires_in_s": self.services.settings.session_idle_ttl_s})  # fmt: skip
        elif kind == "resume":
            session_id = str(message.get("session_id") or "")
            record = await self.pipeline.get(session_id, self.owner)
            if record.status != "active":
                raise InvalidInput(f"session {session_id!r} has ended", code="session_ended")
            self.session_id = record.id
            logs.session_id.set(record.id)
            await self.send({"type": "session", "session_id": record.id, "candidate_id": record.candidate_id,
                             "resumed": True, "frames_analyzed": record.state.frames})  # fmt: skip
        elif kind == "frame":
            frame = message.get("frame")
            if not isinstance(frame, str) or not frame:
                raise InvalidInput("'frame' needs a base64 or data-URL 'frame' string", code="invalid_frame")
            stamp = message.get("timestamp")
            if stamp is not None and (not isinstance(stamp, (int, float)) or stamp < 0):
                raise InvalidInput("'timestamp' must be a non-negative number of seconds", code="invalid_timestamp")
            await self.offer(frame, float(stamp) if stamp is not None else time.time())
        elif kind == "client_event":
            session_id = self._session()
            stamp = message.get("timestamp")
            event_type = str(message.get("event") or message.get("event_type") or "")
            if event_type not in ("tab_hidden", "window_blur", "fullscreen_exit", "copy_paste"):
                raise InvalidInput(f"unknown client event {event_type!r}", code="invalid_client_event")
            result = await self.pipeline.client_event(session_id, self.owner, event_type, stamp)
            await self.send({"type": "client_event", **result})
        elif kind == "calibrate":
            await self.send({"type": "calibration", **await self.pipeline.calibrate(self._session(), self.owner)})
        elif kind == "end":
            session_id = self._session()
            await self.drained()
            report = await self.pipeline.end_session(session_id, self.owner)
            await self.send({"type": "report", "report": report})
            return False
        elif kind == "ping":
            await self.send({"type": "pong"})
        else:
            raise InvalidInput(f"unknown message type {kind!r}", code="unknown_message")
        return True

    def _session(self) -> str:
        if self.session_id is None:
            raise InvalidInput("send a 'start' or 'resume' message first", code="no_session")
        return self.session_id


@router.websocket("/ws/stream")
async def stream(socket: WebSocket) -> None:
    services: Services = socket.app.state.services
    try:
        owner = check_key(services, socket.query_params.get("api_key") or socket.headers.get("x-api-key"))
    except Unauthorized as error:
        await socket.close(code=_POLICY_VIOLATION, reason=error.message)
        return
    await socket.accept()
    if services.pipeline is None:
        await socket.send_json({"type": "error", "code": "not_ready", "message": "models are loading", "fatal": True})
        await socket.close(code=1013)
        return
    session = StreamSession(socket, services, services.pipeline, owner)
    worker = asyncio.create_task(session.work())
    limit_key = client_key(socket, owner)
    try:
        while True:
            message = await socket.receive()
            if message["type"] == "websocket.disconnect":
                break
            try:
                await rate_limit(services, limit_key)
                if message.get("bytes") is not None:
                    await session.offer(message["bytes"], time.time())
                    continue
                parsed = parse_json(message.get("text") or "")
                if not isinstance(parsed, dict):
                    raise InvalidInput("messages are JSON objects with a 'type'", code="invalid_message")
                if not await session.handle(parsed):
                    await socket.close(code=1000)
                    break
            except ServiceError as error:
                await session.error(error)
    except WebSocketDisconnect:
        pass
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
