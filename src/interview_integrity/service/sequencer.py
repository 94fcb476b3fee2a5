"""Frames of one session take turns, earliest timestamp first, so arrival order cannot change a result.

A session's analysis is sequential by nature: a frame follows the last frame's faces, its object detectors
are planned from the last frame's time, and the rules count time between frames. So a session's frames are
analysed one at a time, and when several wait, the one with the earliest timestamp goes next. The first
frame of a session waits `gather_s` before it starts, so that frames sent together with it (a client with
several requests in flight) can line up behind it in time order. Sessions never wait for each other.

This orders the frames of one process; `SessionStore.turn` orders them across processes and replicas.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from interview_integrity.errors import Busy


@dataclass
class _Line:
    waiting: list[tuple[float, int, asyncio.Future[None]]] = field(default_factory=list)
    holder: asyncio.Future[None] | None = None
    gathering: bool = False


class Sequencer:
    def __init__(self, max_waiting: int) -> None:
        self._max_waiting = max_waiting
        self._lines: dict[str, _Line] = {}
        self._order = itertools.count()

    def waiting(self, session_id: str) -> int:
        line = self._lines.get(session_id)
        return 0 if line is None else len(line.waiting) + (line.holder is not None)

    @asynccontextmanager
    async def turn(self, session_id: str, timestamp: float, gather_s: float = 0.0) -> AsyncIterator[None]:
        line = self._lines.setdefault(session_id, _Line())
        if len(line.waiting) >= self._max_waiting:
            raise Busy(f"{len(line.waiting)} frames of this session are already waiting; send fewer at once")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (timestamp, next(self._order), future)
        heapq.heappush(line.waiting, entry)
        try:
            if line.holder is None and not line.gathering:
                if gather_s > 0:
                    line.gathering = True
                    try:
                        await asyncio.sleep(gather_s)
                    finally:
                        line.gathering = False
                if line.holder is None:
                    self._next(line)
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._release(session_id, line)  # the turn was ours: pass it on
            else:
                future.cancel()
                if line.holder is None and not line.gathering:
                    self._next(line)
                self._forget(session_id, line)
            raise
        try:
            yield
        finally:
            self._release(session_id, line)

    @staticmethod
    def _next(line: _Line) -> None:
        while line.waiting:
            _, _, future = heapq.heappop(line.waiting)
            if not future.cancelled():
                line.holder = future
                future.set_result(None)
                return
        line.holder = None

    def _release(self, session_id: str, line: _Line) -> None:
        line.holder = None
        self._next(line)
        self._forget(session_id, line)

    def _forget(self, session_id: str, line: _Line) -> None:
        line.waiting = [entry for entry in line.waiting if not entry[2].cancelled()]
        heapq.heapify(line.waiting)
        if line.holder is None and not line.waiting and not line.gathering:
            self._lines.pop(session_id, None)
