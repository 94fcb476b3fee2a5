"""A session's frames take turns, earliest timestamp first, so arrival order cannot change a result.

A session's analysis is sequential by nature: a frame follows the last frame's faces, its object detectors
are planned from the last frame's time, and the rules count time between frames. So a session's frames are
analysed one at a time, and when several wait, the one with the earliest timestamp goes next.

Frames sent together reach the server out of order (several requests in flight, several connections, several
replicas), and a frame that arrives after a later one was analysed can only be refused. So the earliest
waiting frame does not always go at once: `Window.ready` says when it may. It goes at once when it is the
session's next frame (no later than one usual interval and a half after the session's last analysed frame),
when it cannot have an earlier frame on its way (timed on arrival, or a stream's, which sends one frame at a
time), when `frames` of the session wait, or when the session's frames have waited `seconds` with nothing
analysed (since the first of them arrived or the last turn ended, whichever is later: frames queued behind
a slow frame have not waited for a gap to fill). Frames sent in order never wait; a burst of frames released
together lines up in time order. A session's first two frames (no usual interval yet: nothing says what
comes next) wait that long only when other frames of the session are waiting or on their way into the
line (`company`); a frame alone waits `alone_s` for frames sent with it, a few milliseconds behind.

`Lines` keeps the lines of one process (the memory store's `turn`); the Redis store applies the same rule in
Redis, across processes (redis_turns.py). Sessions never wait for each other.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

NEXT_WITHIN = 1.5  # usual intervals after the last analysed frame: a frame this close is the next one


@dataclass(frozen=True)
class Window:
    """How long a frame that came early waits for the frames before it (FrameSettings)."""

    frames: int = 8
    seconds: float = 0.5
    alone_s: float = 0.05  # a session's first frames, with no other frame of the session waiting or on its way

    def ready(
        self,
        timestamp: float,
        reorder: bool,
        waiting: int,
        waited_s: float,
        last: float | None,
        interval: float | None,
        company: bool = False,
    ) -> bool:
        """May the earliest waiting frame go? `waiting` counts the session's waiting frames (this one too),
        `waited_s` is how long they have waited with no frame analysed (since the first of them arrived or the
        last turn ended, whichever is later); `last` and `interval` are the session's
        last analysed frame and its usual interval between frames (0 or None: not known yet); `company`: other
        frames of the session are on their way into the line."""
        if not reorder or waiting >= self.frames or waited_s >= self.seconds:
            return True
        # a frame at or before the last one goes at once: it is a resend, or it will be refused either way
        if last is not None and timestamp <= last:
            return True
        if last is None or not interval:
            # nothing says what comes next (the session's first or second frame): alone, a frame waits only for
            # frames sent with it; with others of the session waiting or on their way, the window
            return waiting == 1 and not company and waited_s >= self.alone_s
        return timestamp - last <= NEXT_WITHIN * interval  # the next frame; after a gap, the gap's frames may come

    def next_look(self, waited_s: float) -> float:
        """Seconds until `ready` may say otherwise with no frame arriving."""
        return max(0.0, (self.alone_s if waited_s < self.alone_s else self.seconds) - waited_s)


# where a session's stream stands: its last analysed frame's time and its usual interval, from its record
Place = Callable[[str], tuple[float | None, float | None]]
# whether other frames of a session are on their way into its line (arrived in this process, not in line yet)
Company = Callable[[], bool]


@dataclass(order=True)
class _Waiting:
    timestamp: float
    order: int
    future: asyncio.Future[None] = field(compare=False)
    reorder: bool = field(compare=False)
    arrived: float = field(compare=False)
    company: Company | None = field(compare=False, default=None)


@dataclass
class _Line:
    waiting: list[_Waiting] = field(default_factory=list)
    holder: asyncio.Future[None] | None = None
    timer: asyncio.TimerHandle | None = None
    freed: float = 0.0  # when the last turn ended (loop time)


class Lines:
    def __init__(self, window: Window, place: Place) -> None:
        self._window = window
        self._place = place
        self._lines: dict[str, _Line] = {}
        self._order = itertools.count()

    def waiting(self, session_id: str) -> int:
        line = self._lines.get(session_id)
        return 0 if line is None else len(line.waiting) + (line.holder is not None)

    @asynccontextmanager
    async def turn(
        self, session_id: str, timestamp: float, reorder: bool = True, company: Company | None = None
    ) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        line = self._lines.setdefault(session_id, _Line())
        entry = _Waiting(timestamp, next(self._order), loop.create_future(), reorder, loop.time(), company)
        heapq.heappush(line.waiting, entry)
        self._advance(session_id)
        try:
            await entry.future
        except asyncio.CancelledError:
            if entry.future.done() and not entry.future.cancelled():
                self._release(session_id)  # the turn was ours: pass it on
            else:
                entry.future.cancel()
                line.waiting = [w for w in line.waiting if w is not entry]
                heapq.heapify(line.waiting)
                self._advance(session_id)
            raise
        try:
            yield
        finally:
            self._release(session_id)

    def _advance(self, session_id: str) -> None:
        """Give the turn to the earliest waiting frame when the window lets it go; else look again when the
        window runs out."""
        line = self._lines.get(session_id)
        if line is None or line.holder is not None:
            return
        if line.timer is not None:
            line.timer.cancel()
            line.timer = None
        line.waiting = [w for w in line.waiting if not w.future.done()]
        heapq.heapify(line.waiting)
        if not line.waiting:
            del self._lines[session_id]
            return
        head = line.waiting[0]
        loop = asyncio.get_running_loop()
        waited = loop.time() - max(line.freed, min(w.arrived for w in line.waiting))
        last, interval = self._place(session_id)
        company = head.company is not None and head.company()
        if self._window.ready(head.timestamp, head.reorder, len(line.waiting), waited, last, interval, company):
            heapq.heappop(line.waiting)
            line.holder = head.future
            head.future.set_result(None)
        else:
            line.timer = loop.call_later(self._window.next_look(waited), self._advance, session_id)

    def _release(self, session_id: str) -> None:
        line = self._lines.get(session_id)
        if line is not None:
            line.holder = None
            line.freed = asyncio.get_running_loop().time()
            self._advance(session_id)
