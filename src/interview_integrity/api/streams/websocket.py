"""WS /ws/stream: a session over one socket.

Client -> server: a JSON `start` {candidate_id, policy?, metadata?} or `resume` {session_id}; then frames as
binary JPEG/PNG/WebP messages (timed by the server on arrival) or JSON `frame` {frame, timestamp?}; sound as
JSON `audio` {audio: base64 WAV, timestamp?: its first sample} or a binary WAV message (RIFF: placed at its
arrival less its length);
`client_event` {event, timestamp?, detail?} (`event` `camera` with the camera's label as `detail`); `calibrate`;
`ping`; `end`. Server -> client: `session`, one `result`
per analysed frame (the same object as POST /analyze-frame), one `audio_result` per chunk of sound (the
object of POST /sessions/{id}/audio), `skipped` when a newer frame replaced one still
waiting (the socket never queues stale frames), `error` {code, message, fatal} (the socket stays open unless
fatal), `pong`, and `report` after `end`, then the socket closes (1000). A missing or wrong API key closes
the socket with 1008 and the reason.

The stream itself (one waiting frame, the worker, the messages) is api/stream_session.py, shared with
WebRTC's data channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import MutableMapping
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from interview_integrity.api.security import check_key, client_key, rate_limit
from interview_integrity.api.state import Services
from interview_integrity.api.streams.session import StreamSession, parse_json
from interview_integrity.errors import InvalidInput, ServiceError, Unauthorized
from interview_integrity.stores.base import StoreUnavailableError

router = APIRouter()
log = logging.getLogger("interview_integrity.ws")
POLICY_VIOLATION = 1008


@router.websocket("/ws/stream")
async def stream(socket: WebSocket) -> None:
    services: Services = socket.app.state.services
    try:
        owner = check_key(services, socket.query_params.get("api_key") or socket.headers.get("x-api-key"))
    except Unauthorized as error:
        # accepted first: a close before the handshake is an HTTP 403 that carries neither a code nor a reason
        await socket.accept()
        await socket.close(code=POLICY_VIOLATION, reason=f"{error.code}: {error.message}"[:120])
        return
    await socket.accept()
    if services.pipeline is None:
        await socket.send_json({"type": "error", "code": "not_ready", "message": "models are loading", "fatal": True})
        await socket.close(code=1013)
        return
    session = StreamSession(socket.send_json, services, services.pipeline, owner, send_text=socket.send_text)
    worker = asyncio.create_task(session.work())
    limit_key = client_key(socket, owner)
    try:
        while True:
            message = await socket.receive()
            if message["type"] == "websocket.disconnect":
                break
            if worker.done():
                break  # the socket failed under the worker: nothing more can be answered
            if not await _one_message(session, services, limit_key, message):
                await socket.close(code=1000)
                break
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await worker


async def _one_message(
    session: StreamSession, services: Services, limit_key: str, message: MutableMapping[str, Any]
) -> bool:
    """False when the socket should close."""
    try:
        if message.get("bytes") is not None:
            await rate_limit(services, limit_key)
            data = message["bytes"]
            if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
                await session.offer_audio(data, None)
            else:
                await session.offer(data, None)
            return True
        parsed = parse_json(message.get("text") or "")
        if not isinstance(parsed, dict):
            raise InvalidInput("messages are JSON objects with a 'type'", code="invalid_message")
        try:
            await rate_limit(services, limit_key)
        except StoreUnavailableError:
            if parsed.get("type") != "ping":
                raise
            # the limiter lives in Redis; a ping still answers during an outage (it costs nothing)
        return await session.handle(parsed)
    except ServiceError as error:
        await session.error(error)
    except (WebSocketDisconnect, RuntimeError):
        raise
    except Exception:
        log.exception("a WebSocket message could not be handled")
        await session.error(ServiceError("the message could not be handled; it was logged", code="internal_error"))
    return True
