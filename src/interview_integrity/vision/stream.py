"""A stream's frames in order outside a session: each frame is handed the last one's face track and
object schedule, as a session's record hands them (replays, the CLI, benchmarks)."""

from __future__ import annotations

from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.schedule import StreamSchedule
from interview_integrity.vision.signals import FaceTrack, FrameSignals


class FrameStream:
    """The frames of one stream, in order, outside a session (replays, the CLI, benchmarks): hands each
    frame the last one's face track and object schedule, as a session does."""

    def __init__(self, analyzer: FrameAnalyzer, identity: bool = True) -> None:
        self._analyzer = analyzer
        self._identity = identity
        self._track: FaceTrack | None = None
        self._schedule: StreamSchedule | None = None

    def analyze(self, image: Array, timestamp: float) -> FrameSignals:
        signals = self._analyzer.analyze(
            image, timestamp, track=self._track, schedule=self._schedule, identity=self._identity
        )
        self._track, self._schedule = signals.track, signals.schedule
        return signals
