"""Structured JSON logs with the request id and session id of the work in hand. Never frame bytes."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
session_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("session_id", default=None)
_MAX_FIELD = 300  # long values are cut: a stray base64 frame must never reach a log


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage()[:_MAX_FIELD],
        }
        if (rid := request_id.get()) is not None:
            entry["request_id"] = rid
        if (sid := session_id.get()) is not None:
            entry["session_id"] = sid
        for key, value in getattr(record, "fields", {}).items():
            entry[key] = value if isinstance(value, (int, float, bool)) or value is None else str(value)[:_MAX_FIELD]
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
