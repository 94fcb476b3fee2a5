from __future__ import annotations

import asyncio
import random

import pytest

from interview_integrity.errors import Busy
from interview_integrity.service.sequencer import Sequencer


async def test_frames_sent_together_take_turns_in_time_order() -> None:
    sequencer = Sequencer(max_waiting=32)
    order: list[float] = []
    times = [i * 0.2 for i in range(8)]
    shuffled = random.Random(4).sample(times, len(times))

    async def frame(t: float, delay: float) -> None:
        await asyncio.sleep(delay)  # arrival order is the shuffled one
        async with sequencer.turn("s", t, gather_s=0.05):
            order.append(t)
            await asyncio.sleep(0.01)

    await asyncio.gather(*(frame(t, i * 0.002) for i, t in enumerate(shuffled)))
    assert order == times
    assert sequencer.waiting("s") == 0


async def test_sessions_do_not_wait_for_each_other() -> None:
    sequencer = Sequencer(max_waiting=4)
    inside = asyncio.Event()

    async def slow() -> None:
        async with sequencer.turn("a", 0.0):
            inside.set()
            await asyncio.sleep(0.2)

    task = asyncio.create_task(slow())
    await inside.wait()
    async with asyncio.timeout(0.1), sequencer.turn("b", 0.0):
        pass
    await task


async def test_too_many_waiting_frames_are_refused() -> None:
    sequencer = Sequencer(max_waiting=2)
    hold = asyncio.Event()

    async def holder() -> None:
        async with sequencer.turn("s", 0.0):
            await hold.wait()

    async def waiter(t: float) -> None:
        async with sequencer.turn("s", t):
            pass

    tasks = [asyncio.create_task(holder())]
    await asyncio.sleep(0)
    tasks += [asyncio.create_task(waiter(t)) for t in (1.0, 2.0)]
    await asyncio.sleep(0)
    with pytest.raises(Busy):
        async with sequencer.turn("s", 3.0):
            pass
    hold.set()
    await asyncio.gather(*tasks)


async def test_a_cancelled_frame_gives_up_its_turn() -> None:
    sequencer = Sequencer(max_waiting=8)
    hold = asyncio.Event()
    done: list[float] = []

    async def frame(t: float, wait: bool = False) -> None:
        async with sequencer.turn("s", t):
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
