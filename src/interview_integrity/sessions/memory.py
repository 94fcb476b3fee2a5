"""In-process store: the default, nothing to install. One process only (use Redis for workers/replicas)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

from interview_integrity.sessions.base import Expiry, SessionNotFoundError, SessionRecord

T = TypeVar("T")


class MemoryStore:
    def __init__(self, expiry: Expiry, clock: Callable[[], float] = time.monotonic) -> None:
        self._expiry = expiry
        self._clock = clock
        # records are kept as JSON, like in Redis: no caller can change a stored record by accident
        self._records: dict[str, tuple[str, float, bool]] = {}  # id -> (json, expires_at, active)
        self._lock = asyncio.Lock()

    def _live(self, session_id: str) -> str | None:
        entry = self._records.get(session_id)
        if entry is None:
            return None
        if entry[1] <= self._clock():
            del self._records[session_id]
            return None
        return entry[0]

    def _put(self, record: SessionRecord) -> None:
        expires = self._clock() + self._expiry.ttl(record)
        self._records[record.id] = (record.model_dump_json(), expires, record.status == "active")

    async def create(self, record: SessionRecord) -> None:
        async with self._lock:
            self._put(record)

    async def get(self, session_id: str) -> SessionRecord | None:
        data = self._live(session_id)
        return SessionRecord.model_validate_json(data) if data else None

    async def update(self, session_id: str, change: Callable[[SessionRecord], T]) -> T:
        async with self._lock:
            data = self._live(session_id)
            if data is None:
                raise SessionNotFoundError(session_id)
            record = SessionRecord.model_validate_json(data)
            result = change(record)
            self._put(record)
            return result

    async def delete(self, session_id: str) -> bool:
        async with self._lock:
            return self._records.pop(session_id, None) is not None

    async def count_active(self) -> int:
        now = self._clock()
        return sum(1 for _, expires, active in self._records.values() if active and expires > now)

    async def sweep(self) -> int:
        async with self._lock:
            now = self._clock()
            expired = [key for key, (_, expires, _) in self._records.items() if expires <= now]
            for key in expired:
                del self._records[key]
            return len(expired)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._records.clear()
