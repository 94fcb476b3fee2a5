"""Request context (request id, access log) and the request size limit, as plain ASGI middleware."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interview_integrity import logs
from interview_integrity.errors import PayloadTooLarge

log = logging.getLogger("interview_integrity.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContext:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

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
        if scope["type"] == "http":
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                receive = _refusing(int(declared), self.max_body_bytes)
            else:
                receive = _counting(receive, self.max_body_bytes)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http":
                fields = {"method": scope["method"], "path": scope["path"], "status": status["code"],
                          "ms": round((time.perf_counter() - started) * 1000, 1)}  # fmt: skip
                log.info("request", extra={"fields": fields})


def _refusing(declared: int, limit: int) -> Receive:
    async def receive() -> Message:
        raise PayloadTooLarge(f"the request body is {declared} bytes; the limit is {limit} bytes")

    return receive


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise PayloadTooLarge(f"the request body exceeds the limit of {limit} bytes")
        return message

    return counted
