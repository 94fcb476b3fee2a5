"""The CPU side of the service: decoding and models in a bounded thread pool sized to the cores.

When every worker is busy and the queue is full, `claim` refuses (503 + Retry-After) instead of letting
the event loop wait: the loop never blocks on a model.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import cv2
import numpy as np

from interview_integrity.analysis.events import Event
from interview_integrity.config import Settings
from interview_integrity.errors import Busy, InvalidInput, PayloadTooLarge
from interview_integrity.service.evidence import evidence_for
from interview_integrity.stores.base import Evidence
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.decode import ImageDecodeError, ImageTooLargeError
from interview_integrity.vision.schedule import StreamSchedule
from interview_integrity.vision.signals import FaceTrack, FrameSignals

# encoded bytes (REST, the WebSocket), base64 text, or pixels a media track already decoded (WebRTC, BGR)
Frame = bytes | str | Array
T = TypeVar("T")


class Workers:
    def __init__(self, settings: Settings, analyzer: FrameAnalyzer) -> None:
        self.analyzer = analyzer
        workers = settings.worker_count()
        # one frame per worker per core: OpenCV's own thread pool would oversubscribe the cores
        cv2.setNumThreads(1)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="frames")
        # sound is a few milliseconds a second per session and must not wait behind a queue of frames: its own
        # thread (the speech model releases the GIL while it runs)
        self._sound = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sound")
        self.capacity = workers * (1 + settings.queue_per_worker)
        self._in_flight = 0

    @property
    def has_capacity(self) -> bool:
        return self._in_flight < self.capacity

    @contextmanager
    def claim(self) -> Iterator[None]:
        """A place in the pool for one frame, or Busy at once."""
        if not self.has_capacity:
            raise Busy("all frame workers are busy; retry shortly", retry_after=1)
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1

    async def warm_up(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self.analyzer.warm_up)

    def close(self) -> None:
        """Stops the workers; the analyzer belongs to whoever made it (it may outlive them)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._sound.shutdown(wait=True, cancel_futures=True)

    async def analyze(
        self,
        frame: Frame,
        timestamp: float,
        track: FaceTrack | None = None,
        schedule: StreamSchedule | None = None,
        identity: bool = True,
    ) -> tuple[FrameSignals, Array]:
        """The frame's signals and its pixels; a frame that is not a usable image is a 400 or a 413."""
        loop = asyncio.get_running_loop()
        queued = time.perf_counter()
        return await loop.run_in_executor(
            self._executor, self._analyze, frame, timestamp, track, schedule, identity, queued
        )

    async def sound(self, work: Callable[..., T], *args: Any) -> T:
        """A chunk of sound's CPU work, on the sound thread."""
        return await asyncio.get_running_loop().run_in_executor(self._sound, work, *args)

    async def evidence(self, image: Array, signals: FrameSignals, events: list[Event], index: int) -> list[Evidence]:
        """The frame's evidence for `events` (service/evidence.py), made on a worker."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, evidence_for, image, signals, events, index)

    def _analyze(
        self,
        frame: Frame,
        timestamp: float,
        track: FaceTrack | None,
        schedule: StreamSchedule | None,
        identity: bool,
        queued: float = 0.0,
    ) -> tuple[FrameSignals, Array]:
        started = time.perf_counter()
        try:
            image = frame if isinstance(frame, np.ndarray) else self.analyzer.decode(frame)
            decoded = time.perf_counter()
            signals = self.analyzer.analyze(image, timestamp, track=track, schedule=schedule, identity=identity)
            # where the worker's time went, beside the models' own timings
            signals.timings_ms["queued"] = round((started - queued) * 1000, 2) if queued else 0.0
            signals.timings_ms["decode"] = round((decoded - started) * 1000, 2)
            return signals, image
        except ImageTooLargeError as error:
            raise PayloadTooLarge(str(error), code=error.code) from None
        except ImageDecodeError as error:
            raise InvalidInput(str(error), code=error.code) from None
