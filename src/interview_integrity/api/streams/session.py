"""One analysed stream, whatever carries it: the WebSocket (api/websocket.py) and a WebRTC data channel
(api/webrtc.py) both drive a StreamSession with the same messages.

Frames are offered, never queued: one frame waits while one is analysed, and a newer frame replaces the
waiting one (`skipped`, with the running count). Sound is never skipped: each chunk continues the last, so
chunks queue (at most `AUDIO_QUEUE` of them, a few seconds; beyond, a chunk is refused with an error) and
are heard in order (`audio_result`). One worker task per stream analyses its frames and its sound; it
survives any frame or chunk (an error is reported, the next is analysed) and is cancelled when the stream
goes. A stream's frames come one at a time, so none waits for earlier ones (the frame path's window).

After `resume`, frames at or before the session's last analysed frame are frames the client sends again
(their answers were lost with the old socket): each is answered on its own, from the session's kept answers,
and never replaces a new frame waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import WebSocketDisconnect

from interview_integrity import logs
from interview_integrity.analysis.events import CLIENT_EVENT_TYPES
from interview_integrity.api.limits import MAX_MESSAGE_DEPTH, check_metadata, check_policy, depth
from interview_integrity.api.state import Services
from interview_integrity.errors import Busy, InvalidInput, ServiceError
from interview_integrity.service.clock import checked
from interview_integrity.service.once import frame_id_of
from interview_integrity.service.pipeline import Frame, Pipeline
from interview_integrity.service.results import FrameResult
from interview_integrity.service.sound import Chunk

log = logging.getLogger("interview_integrity.stream")
_DRAIN_TIMEOUT_S = 30.0
AUDIO_QUEUE = 8
Send = Callable[[dict[str, Any]], Awaitable[None]]
# what a transport raises once its peer has gone: the worker stops rather than report into the void
TRANSPORT_GONE: tuple[type[BaseException], ...] = (WebSocketDisconnect, RuntimeError, ConnectionError)


def parse_json(text: str | bytes) -> Any:
    try:
        parsed = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInput("the message is not valid JSON", code="invalid_json") from None
    if depth(parsed) > MAX_MESSAGE_DEPTH:
        raise InvalidInput(f"the message nests deeper than {MAX_MESSAGE_DEPTH} levels", code="invalid_json")
    return parsed


def _timestamp(message: dict[str, Any]) -> float | None:
    stamp = message.get("timestamp")
    return None if stamp is None else checked(stamp)


class StreamSession:
    def __init__(
        self,
        send: Send,
        services: Services,
        pipeline: Pipeline,
        owner: str | None,
        send_text: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._send = send
        self._send_text = send_text  # a transport that takes JSON text: a frame's answer goes as it was written
        self.services = services
        self.pipeline = pipeline
        self.owner = owner
        self.session_id: str | None = None
        self.waiting: tuple[Frame, float | None, float, str | None] | None = None
        self.resumed_at: float | None = None  # the session's last analysed frame when the stream resumed it
        self.skipped = 0
        self._changed = asyncio.Condition()
        self._resent: set[asyncio.Future[None]] = set()
        self._busy = False
        self._send_lock = asyncio.Lock()
        self._sound: asyncio.Queue[tuple[Chunk, float | None, float]] = asyncio.Queue(AUDIO_QUEUE)

    async def send(self, message: dict[str, Any]) -> None:
        async with self._send_lock:
            await self._send(message)

    async def send_result(self, result: FrameResult) -> None:
        """`{"type": "result", ...the frame's answer}`: the answer's kept JSON, when the transport takes text."""
        if self._send_text is None:
            await self.send({"type": "result", **result.model_dump(mode="json")})
            return
        async with self._send_lock:
            await self._send_text('{"type":"result",' + result.json_text()[1:])

    async def error(self, error: ServiceError, fatal: bool = False) -> None:
        self.services.metrics.errors.labels(error.code).inc()
        await self.send({"type": "error", "code": error.code, "message": error.message, "fatal": fatal})

    async def offer(self, frame: Frame, timestamp: float | None, frame_id: str | None = None) -> None:
        if self.session_id is None:
            raise InvalidInput("send a 'start' or 'resume' message before frames", code="no_session")
        arrived = time.time()  # a frame without a timestamp is timed on arrival
        if timestamp is not None and self.resumed_at is not None and timestamp <= self.resumed_at:
            self._resent = {task for task in self._resent if not task.done()}
            self._resent.add(asyncio.ensure_future(self._again(frame, timestamp, arrived, frame_id)))
            return
        async with self._changed:
            replaced = self.waiting is not None
            self.waiting = (frame, timestamp, arrived, frame_id)
            self._changed.notify_all()
        if replaced:
            await self.skip("a newer frame arrived while this one waited")

    async def _again(self, frame: Frame, timestamp: float, arrived: float, frame_id: str | None) -> None:
        with contextlib.suppress(*TRANSPORT_GONE):  # the peer went again: nobody is left to answer
            await self._analyze(frame, timestamp, arrived, frame_id)

    async def skip(self, reason: str) -> None:
        self.skipped += 1
        self.services.metrics.skipped.inc()
        await self.send({"type": "skipped", "reason": reason, "skipped_total": self.skipped})

    async def offer_audio(self, chunk: Chunk, timestamp: float | None) -> None:
        """A chunk of sound joins the queue (timed on arrival when it has no timestamp)."""
        if self.session_id is None:
            raise InvalidInput("send a 'start' or 'resume' message before audio", code="no_session")
        try:
            self._sound.put_nowait((chunk, timestamp, time.time()))
        except asyncio.QueueFull:
            raise Busy(f"{AUDIO_QUEUE} chunks of audio are already waiting; this one was dropped") from None

    async def work(self) -> None:
        await asyncio.gather(self._frames(), self._sounds())

    async def _sounds(self) -> None:
        while True:
            chunk, timestamp, arrived = await self._sound.get()
            try:
                await self._hear(chunk, timestamp, arrived)
            finally:
                self._sound.task_done()

    async def _hear(self, chunk: Chunk, timestamp: float | None, arrived: float) -> None:
        assert self.session_id is not None
        try:
            result = await self.pipeline.sound.hear(self.session_id, self.owner, chunk, timestamp, arrived)
            await self.send({"type": "audio_result", **result.model_dump(mode="json")})
        except ServiceError as error:
            await self.error(error)
        except TRANSPORT_GONE:
            raise
        except Exception:
            log.exception("a chunk of audio could not be analysed")
            await self.error(ServiceError("the audio could not be analysed; it was logged", code="internal_error"))

    async def _frames(self) -> None:
        while True:
            async with self._changed:
                await self._changed.wait_for(lambda: self.waiting is not None)
                assert self.waiting is not None
                frame, timestamp, arrived, frame_id = self.waiting
                self.waiting, self._busy = None, True
            try:
                await self._analyze(frame, timestamp, arrived, frame_id)
            finally:
                async with self._changed:
                    self._busy = False
                    self._changed.notify_all()

    async def _analyze(self, frame: Frame, timestamp: float | None, arrived: float, frame_id: str | None) -> None:
        assert self.session_id is not None
        try:
            result = await self.pipeline.frames.analyze(
                self.session_id, self.owner, frame, timestamp, arrived, frame_id=frame_id, in_order=True
            )
            await self.send_result(result)
        except Busy:
            await self.skip("all frame workers were busy")
        except ServiceError as error:
            await self.error(error)
        except TRANSPORT_GONE:
            raise  # the peer is gone: the transport ends the session's worker
        except Exception:
            log.exception("a frame could not be analysed")
            await self.error(ServiceError("the frame could not be analysed; it was logged", code="internal_error"))

    async def drained(self) -> None:
        """Until the waiting frame, the one in analysis and the queued sound are answered (bounded: `end` never
        hangs)."""
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self.waiting is None and not self._busy), _DRAIN_TIMEOUT_S
                )
        if self._resent:
            await asyncio.wait(self._resent, timeout=_DRAIN_TIMEOUT_S)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._sound.join(), _DRAIN_TIMEOUT_S)

    async def handle(self, message: dict[str, Any]) -> bool:
        """Handle one JSON message; False when the socket should close."""
        kind = message.get("type")
        if kind == "start":
            candidate = message.get("candidate_id")
            if not isinstance(candidate, str) or not candidate or len(candidate) > 200:
                raise InvalidInput("'start' needs a candidate_id of 1-200 characters", code="invalid_start")
            metadata = check_metadata(message.get("metadata") or {})
            policy = check_policy(message.get("policy"))
            record = await self.pipeline.sessions.start(candidate, policy, metadata, self.owner)
            self.session_id = record.id
            logs.session_id.set(record.id)
            await self.send({"type": "session", "session_id": record.id, "candidate_id": candidate, "resumed": False,
                             "expires_in_s": self.services.settings.session_idle_ttl_s})  # fmt: skip
        elif kind == "resume":
            session_id = message.get("session_id")
            if not isinstance(session_id, str) or not session_id:
                raise InvalidInput("'resume' needs the session_id", code="invalid_resume")
            record = await self.pipeline.sessions.active(session_id, self.owner)
            self.session_id, self.resumed_at = record.id, record.state.last_timestamp
            logs.session_id.set(record.id)
            await self.send({"type": "session", "session_id": record.id, "candidate_id": record.candidate_id,
                             "resumed": True, "frames_analyzed": record.state.frames,
                             "last_frame_at": record.state.last_timestamp})  # fmt: skip
        elif kind == "frame":
            frame = message.get("frame")
            if not isinstance(frame, str) or not frame:
                raise InvalidInput("'frame' needs a base64 or data-URL 'frame' string", code="invalid_frame")
            await self.offer(frame, _timestamp(message), frame_id_of(message.get("frame_id")))
        elif kind == "audio":
            audio = message.get("audio")
            if not isinstance(audio, str) or not audio:
                raise InvalidInput("'audio' needs an 'audio' string: a base64 WAV", code="invalid_audio")
            await self.offer_audio(audio, _timestamp(message))
        elif kind == "client_event":
            session_id = self._session()
            event_type = message.get("event") or message.get("event_type")
            if event_type not in CLIENT_EVENT_TYPES:
                raise InvalidInput(f"unknown client event {event_type!r}; one of {list(CLIENT_EVENT_TYPES)}",
                                   code="invalid_client_event")  # fmt: skip
            detail = message.get("detail", "")
            if not isinstance(detail, str) or len(detail) > 200:
                raise InvalidInput("'detail' must be a string of at most 200 characters", code="invalid_client_event")
            result = await self.pipeline.sessions.client_event(
                session_id, self.owner, str(event_type), _timestamp(message), detail
            )
            await self.send({"type": "client_event", **result.model_dump(mode="json")})
        elif kind == "calibrate":
            restarted = await self.pipeline.sessions.calibrate(self._session(), self.owner)
            await self.send({"type": "calibration", **restarted.model_dump(mode="json")})
        elif kind == "end":
            session_id = self._session()
            await self.drained()
            report = await self.pipeline.sessions.end(session_id, self.owner)
            await self.send({"type": "report", "report": report.model_dump(mode="json")})
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
