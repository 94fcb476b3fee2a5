"""Request context (request id, access log), the request size limit and the body read timeout, as plain
ASGI middleware.

The body is read here, before the application sees the request, so that a body over the limit is answered
413 whether or not it declared its length, and a client that sends its body too slowly is answered 408
instead of holding a worker's connection for ever. Bodies are bounded by the limit, so buffering them costs
no more memory than the application reading them would.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interview_integrity import logs
from interview_integrity.errors import ErrorCode

log = logging.getLogger("interview_integrity.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContext:
    def __init__(self, app: ASGIApp, max_body_bytes: int, body_timeout_s: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        given = headers.get("x-request-id", "")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        logs.request_id.set(request_id)
        logs.session_id.set(None)
        started = time.perf_counter()
        status = {"code": 0}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            if scope["type"] == "websocket":
                await self.app(scope, receive, send_with_id)
                return
            refusal, receive = await self._read_body(headers, receive)
            if refusal is not None:
                await _refuse(send_with_id, *refusal)
                return
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http":
                # the path only: a query string may hold a signed link's signature
                fields = {"method": scope["method"], "path": scope["path"], "status": status["code"],
                          "ms": round((time.perf_counter() - started) * 1000, 1)}  # fmt: skip
                log.info("request", extra={"fields": fields})

    async def _read_body(
        self, headers: dict[str, str], receive: Receive
    ) -> tuple[tuple[int, ErrorCode, str] | None, Receive]:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            return (413, "payload_too_large", _too_large(int(declared), self.max_body_bytes)), receive
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + self.body_timeout_s
        while True:
            try:
                message = await asyncio.wait_for(receive(), timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                return (408, "request_timeout", f"the body did not arrive within {self.body_timeout_s:g} s"), receive
            if message["type"] != "http.request":
                return None, _replay([message], receive)  # the client left: the app sees it leave
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body_bytes:
                return (413, "payload_too_large", _too_large(size, self.max_body_bytes, at_least=True)), receive
            if not message.get("more_body", False):
                break
        return None, _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}], receive)


def _too_large(size: int, limit: int, at_least: bool = False) -> str:
    return f"the request body is {'over ' if at_least else ''}{size} bytes; the limit is {limit} bytes"


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


async def _refuse(send: Send, status: int, code: ErrorCode, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
