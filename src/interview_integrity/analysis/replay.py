"""Replay a recorded video through vision and the session engine, using the video's own timestamps."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from interview_integrity.analysis.engine import SessionAnalyzer, SessionState
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import Policy
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.video import sample_frames


@dataclass
class Replay:
    state: SessionState
    changes: list[tuple[float, Event]] = field(default_factory=list)
    summary: dict[str, object] = field(default_factory=dict)


def replay_frames(frames: Iterable[tuple[float, Array]], vision: FrameAnalyzer, policy: Policy) -> Replay:
    engine = SessionAnalyzer(policy)
    result = Replay(state=SessionState())
    for index, (timestamp, frame) in enumerate(frames):
        outcome = engine.process(result.state, vision.analyze(frame, timestamp, frame_index=index), index)
        result.changes += [(timestamp, event.model_copy()) for event in outcome.events]
    for event in engine.finish(result.state):
        result.changes.append((result.state.last_timestamp or 0.0, event.model_copy()))
    result.summary = engine.summary(result.state)
    return result


def replay_video(
    path: Path,
    vision: FrameAnalyzer,
    policy: Policy,
    fps: float = 5.0,
    progress: Callable[[Iterator[tuple[float, Array]]], Iterable[tuple[float, Array]]] = iter,
) -> Replay:
    return replay_frames(progress(sample_frames(path, fps)), vision, policy)
