from __future__ import annotations

import asyncio
import random
import time

import pytest

from interview_integrity.stores.lines import Lines, Window


class Session:
    """Where a session stands, as its store would say after each frame is applied."""

    def __init__(self, last: float | None = None, interval: float | None = None) -> None:
        self.last, self.interval = last, interval

    def place(self, session_id: str) -> tuple[float | None, float | None]:
        return self.last, self.interval

    def applied(self, t: float) -> None:
        self.interval = None if self.last is None else t - self.last
        self.last = t


def lines(window: Window, session: Session | None = None) -> Lines:
    return Lines(window, (session or Session()).place)


def test_the_window_rule() -> None:
    window = Window(frames=8, seconds=0.5)
    # the session's next frame (within one and a half usual intervals of the last) goes at once
    assert window.ready(1.2, True, 1, 0.0, last=1.0, interval=0.2)
    assert not window.ready(1.4, True, 1, 0.0, last=1.0, interval=0.2)  # the frame at 1.2 may be on its way
    assert window.ready(1.0, True, 1, 0.0, last=1.0, interval=0.2)  # sent again, or late: answered at once
    # no usual interval yet (the session's second frame), or no frame yet: nothing says what comes next, so
    # frames of the session that wait or are on their way wait for each other...
    assert not window.ready(0.2, True, 3, 0.0, last=0.0, interval=0.0)
    assert not window.ready(0.0, True, 2, 0.0, last=None, interval=None)
    assert not window.ready(0.0, True, 1, 0.1, last=None, interval=None, company=True)
    # ...and a frame alone waits only for frames sent with it
    assert not window.ready(0.0, True, 1, 0.0, last=None, interval=None)
    assert window.ready(0.0, True, 1, 0.05, last=None, interval=None)
    assert window.ready(0.2, True, 1, 0.05, last=0.0, interval=None)
    assert not window.ready(1.4, True, 1, 0.05, last=1.0, interval=0.2)  # a gap after a known interval: the window
    # until the window is full or has run out
    assert window.ready(1.4, True, 8, 0.0, last=1.0, interval=0.2)
    assert window.ready(1.4, True, 2, 0.5, last=1.0, interval=0.2)
    # a frame timed on arrival, or a stream's, never waits
    assert window.ready(9.0, False, 1, 0.0, last=1.0, interval=0.2)


async def test_frames_released_together_take_turns_in_time_order() -> None:
    session = Session()
    line = lines(Window(frames=8, seconds=0.5), session)
    order: list[float] = []
    times = [i * 0.2 for i in range(1, 9)]
    shuffled = random.Random(4).sample(times, len(times))

    async def frame(t: float, delay: float) -> None:
        await asyncio.sleep(delay)  # arrival order is the shuffled one
        async with line.turn("s", t):
            order.append(t)
            await asyncio.sleep(0.01)
            session.applied(t)

    await frame(0.0, 0)  # the session's first frame, alone: it waits the window out
    started = time.monotonic()
    await asyncio.gather(*(frame(t, i * 0.002) for i, t in enumerate(shuffled)))
    assert order == [0.0, *times]
    assert time.monotonic() - started < 0.4  # eight waiting: the window was full, nobody waited it out
    assert line.waiting("s") == 0


async def test_a_frame_that_came_early_waits_for_the_earlier_one_until_the_window_runs_out() -> None:
    session = Session(1.0, 0.2)
    line = lines(Window(frames=8, seconds=0.3), session)
    order: list[float] = []

    async def frame(t: float) -> None:
        async with line.turn("s", t):
            order.append(t)
            session.applied(t)

    started = time.monotonic()
    late = asyncio.create_task(frame(1.4))  # 1.2 is still on its way
    await asyncio.sleep(0.1)
    assert order == []
    await frame(1.2)
    await late
    assert order == [1.2, 1.4]
    assert time.monotonic() - started < 0.25  # the next frame came and both went at once
    # nothing comes: the frame goes when the window runs out
    started = time.monotonic()
    await frame(2.4)
    assert 0.25 < time.monotonic() - started < 1.0


async def test_a_lone_first_frame_goes_at_once_and_racing_first_frames_line_up() -> None:
    session = Session()
    line = lines(Window(frames=8, seconds=0.5), session)
    order: list[float] = []

    async def frame(session_id: str, t: float, delay: float = 0.0) -> float:
        await asyncio.sleep(delay)
        arrived = time.monotonic()
        async with line.turn(session_id, t):
            order.append(t)
            session.applied(t)
        return time.monotonic() - arrived

    assert await frame("a", 0.4) < 0.25
    session.last = session.interval = None
    await asyncio.gather(frame("b", 0.4), frame("b", 0.2, delay=0.01))
    assert order == [0.4, 0.2, 0.4]


async def test_frames_in_order_never_wait() -> None:
    line = lines(Window(frames=8, seconds=5.0), Session(1.0, 0.2))
    async with asyncio.timeout(0.5):
        async with line.turn("s", 1.2):
            pass
        async with line.turn("s", 3.0, reorder=False):  # a stream's frame, after a skipped one
            pass


async def test_sessions_do_not_wait_for_each_other() -> None:
    line = lines(Window(seconds=0))
    inside = asyncio.Event()

    async def slow() -> None:
        async with line.turn("a", 0.0):
            inside.set()
            await asyncio.sleep(0.2)

    task = asyncio.create_task(slow())
    await inside.wait()
    async with asyncio.timeout(0.1), line.turn("b", 0.0):
        pass
    await task


async def test_a_cancelled_frame_gives_up_its_turn() -> None:
    line = lines(Window(seconds=0))
    hold = asyncio.Event()
    done: list[float] = []

    async def frame(t: float, wait: bool = False) -> None:
        async with line.turn("s", t):
            if wait:
                await hold.wait()
            done.append(t)

    first = asyncio.create_task(frame(0.0, wait=True))
    await asyncio.sleep(0)
    cancelled = asyncio.create_task(frame(1.0))
    last = asyncio.create_task(frame(2.0))
    await asyncio.sleep(0)
    cancelled.cancel()
    hold.set()
    await asyncio.gather(first, last)
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert done == [0.0, 2.0]
    # the holder itself cancelled mid-turn passes the turn on
    holder = asyncio.create_task(frame(3.0, wait=True))
    hold.clear()
    await asyncio.sleep(0)
    after = asyncio.create_task(frame(4.0))
    await asyncio.sleep(0)
    holder.cancel()
    async with asyncio.timeout(1):
        await after
    assert done[-1] == 4.0
    assert line.waiting("s") == 0
