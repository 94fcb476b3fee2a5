"""In-process store: the default, nothing to install. One process only (use Redis for workers/replicas), and
every session goes with the process: a restart, a crash or a new deployment loses them all."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from interview_integrity.stores.base import (
    Answer,
    Cursor,
    Evidence,
    Expiry,
    RowQuery,
    SessionNotFoundError,
    SessionRecord,
    SessionRow,
)
from interview_integrity.stores.lines import Company, Lines, Window

T = TypeVar("T")


class MemoryStore:
    def __init__(
        self, expiry: Expiry, *, window: Window | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._expiry = expiry
        self._clock = clock
        # records are kept as JSON, like in Redis: no caller can change a stored record by accident
        self._records: dict[str, tuple[str, float, bool]] = {}  # id -> (json, expires_at, active)
        self._evidence: dict[str, dict[str, str]] = {}  # id -> event id -> snapshot JSON
        self._answers: dict[str, dict[int, str]] = {}  # id -> frame index -> answer JSON
        self._places: dict[str, tuple[float | None, float | None]] = {}  # id -> (last frame, usual interval)
        self._lines = Lines(window or Window(), lambda session_id: self._places.get(session_id, (None, None)))
        self._owned: dict[str, tuple[str | None, float]] = {}  # id -> (owner, created_at), for listing
        self._rows: dict[str, SessionRow] = {}  # id -> what a list shows of it (rows.py); never handed out to change
        self._remembered: dict[str, tuple[str, float]] = {}  # key -> (value, expires_at)
        self._lock = asyncio.Lock()

    def _live(self, session_id: str) -> str | None:
        entry = self._records.get(session_id)
        if entry is None:
            return None
        if entry[1] <= self._clock():
            self._drop(session_id)
            return None
        return entry[0]

    def _drop(self, session_id: str) -> bool:
        self._evidence.pop(session_id, None)
        self._owned.pop(session_id, None)
        self._rows.pop(session_id, None)
        self._answers.pop(session_id, None)
        self._places.pop(session_id, None)
        return self._records.pop(session_id, None) is not None

    def _put(self, record: SessionRecord) -> None:
        ttl = self._expiry.ttl(record)
        expires = self._clock() + ttl
        self._records[record.id] = (record.model_dump_json(), expires, record.status == "active")
        self._rows[record.id] = record.row(time.time() + ttl)
        self._places[record.id] = (record.state.last_timestamp, record.state.usual_interval)
        answers = self._answers.get(record.id, {})
        recent = {frame.frame_index for frame in record.recent_frames} if record.status == "active" else set()
        for index in [index for index in answers if index not in recent]:
            del answers[index]

    async def create(self, record: SessionRecord) -> None:
        async with self._lock:
            self._put(record)
            self._owned[record.id] = (record.owner, record.created_at)

    async def get(self, session_id: str) -> SessionRecord | None:
        data = self._live(session_id)
        return SessionRecord.model_validate_json(data) if data else None

    async def update(
        self, session_id: str, change: Callable[[SessionRecord], T], keep: Callable[[T], Answer | None] | None = None
    ) -> T:
        async with self._lock:
            data = self._live(session_id)
            if data is None:
                raise SessionNotFoundError(session_id)
            record = SessionRecord.model_validate_json(data)
            result = change(record)
            answer = keep(result) if keep is not None else None
            if answer is not None:
                self._answers.setdefault(session_id, {})[answer.frame_index] = answer.body
            self._put(record)
            return result

    async def answer(self, session_id: str, frame_index: int) -> str | None:
        return self._answers.get(session_id, {}).get(frame_index) if self._live(session_id) else None

    async def delete(self, session_id: str) -> bool:
        async with self._lock:
            return self._drop(session_id)

    async def add_evidence(self, session_id: str, evidence: Evidence, limit: int) -> bool:
        async with self._lock:
            if self._live(session_id) is None:
                raise SessionNotFoundError(session_id)
            kept = self._evidence.setdefault(session_id, {})
            if evidence.event_id in kept or len(kept) >= limit:
                return False
            kept[evidence.event_id] = evidence.model_dump_json()
            return True

    async def evidence(self, session_id: str) -> list[Evidence]:
        if self._live(session_id) is None:
            return []
        snapshots = [Evidence.model_validate_json(item) for item in self._evidence.get(session_id, {}).values()]
        return sorted(snapshots, key=lambda e: (e.timestamp, e.frame_index))

    async def rows(
        self, owner: str | None, query: RowQuery, before: Cursor | None, count: int
    ) -> tuple[list[SessionRow], Cursor | None]:
        ordered = sorted(
            ((created, session_id) for session_id, (who, created) in self._owned.items() if who == owner),
            reverse=True,
        )
        found: list[SessionRow] = []
        for key in ordered:
            if before is not None and key >= before:
                continue
            if query.created_to is not None and key[0] > query.created_to:
                continue
            if query.created_from is not None and key[0] < query.created_from:
                break
            if self._live(key[1]) is None:
                continue
            row = self._rows[key[1]]
            if query.matches(row):
                found.append(row.model_copy())
                if len(found) == count:
                    return found, key
        return found, None

    async def remember(self, key: str, value: str, ttl_s: int) -> str | None:
        async with self._lock:
            now = self._clock()
            kept = self._remembered.get(key)
            if kept is not None and kept[1] > now:
                return kept[0]
            self._remembered[key] = (value, now + ttl_s)
            return None

    def turn(
        self, session_id: str, timestamp: float, reorder: bool = True, company: Company | None = None
    ) -> AbstractAsyncContextManager[None]:
        return self._lines.turn(session_id, timestamp, reorder, company)

    async def count_active(self) -> int:
        now = self._clock()
        return sum(1 for _, expires, active in self._records.values() if active and expires > now)

    async def sweep(self) -> int:
        async with self._lock:
            now = self._clock()
            expired = [key for key, (_, expires, _) in self._records.items() if expires <= now]
            for key in expired:
                self._drop(key)
            self._remembered = {k: v for k, v in self._remembered.items() if v[1] > now}
            return len(expired)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._records.clear()
        self._evidence.clear()
        self._answers.clear()
        self._places.clear()
