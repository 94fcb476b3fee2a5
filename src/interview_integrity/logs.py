"""Structured JSON logs with the request id and session id of the work in hand. Never frame bytes."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
session_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("session_id", default=None)
_MAX_FIELD = 300  # long values are cut: a stray base64 frame must never reach a log
# query parameters that carry secrets: API keys (the WebSocket's `?api_key=`) and signed links
_SECRET = re.compile(r"((?:api_key|apikey|key|signature|sig|token)=)[^&\s\"']+", re.IGNORECASE)
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def redact(text: str) -> str:
    return _SECRET.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message with secrets in URLs replaced; uvicorn logs WebSocket paths with their
    query string (`"WebSocket /ws/stream?api_key=..." [accepted]`), and its access log every path."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def guard_server_logs() -> None:
    """Install the filter on uvicorn's loggers and their handlers (idempotent; call again after uvicorn
    configured its logging)."""
    for name in _UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            if not any(isinstance(f, RedactSecrets) for f in target.filters):
                target.addFilter(RedactSecrets())


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage())[:_MAX_FIELD],
        }
        if (rid := request_id.get()) is not None:
            entry["request_id"] = rid
        if (sid := session_id.get()) is not None:
            entry["session_id"] = sid
        for key, value in getattr(record, "fields", {}).items():
            entry[key] = (
                value if isinstance(value, (int, float, bool)) or value is None else redact(str(value))[:_MAX_FIELD]
            )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def configure(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("interview_integrity")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
    guard_server_logs()
