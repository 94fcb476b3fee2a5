"""Replay a recorded video through vision and the session engine, using the video's own timestamps."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from interview_integrity.analysis.engine import SessionAnalyzer, SessionState
from interview_integrity.analysis.policy import Policy
from interview_integrity.analysis.summary import Summary
from interview_integrity.service.evidence import evidence_for
from interview_integrity.service.results import SessionReport
from interview_integrity.service.views import build_report
from interview_integrity.stores.base import Evidence, SessionRecord
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.stream import FrameStream
from interview_integrity.vision.video import sample_frames


@dataclass
class Replay:
    state: SessionState
    summary: Summary
    evidence: dict[str, Evidence] = field(default_factory=dict)
    raised_at: dict[str, float] = field(default_factory=dict)  # event id -> the frame time it was first reported


def replay_frames(
    frames: Iterable[tuple[float, Array]], vision: FrameAnalyzer, policy: Policy, evidence: bool = False
) -> Replay:
    engine = SessionAnalyzer(policy)
    state = SessionState()
    evidence_of: dict[str, Evidence] = {}
    raised_at: dict[str, float] = {}
    stream = FrameStream(vision, identity=policy.enabled("identity_changed"))
    for index, (timestamp, frame) in enumerate(frames):
        signals = stream.analyze(frame, timestamp)
        outcome = engine.process(state, signals, index)
        for event in outcome.events:
            raised_at.setdefault(event.id, timestamp)
        needs = [e for e in outcome.events if e.severity != "low" and e.id not in evidence_of]
        if evidence and needs:
            for snapshot in evidence_for(frame, signals, needs, index):
                evidence_of[snapshot.event_id] = snapshot
    engine.finish(state)
    return Replay(state, engine.summary(state), evidence_of, raised_at)


def replay_video(
    path: Path,
    vision: FrameAnalyzer,
    policy: Policy,
    fps: float = 5.0,
    progress: Callable[[Iterator[tuple[float, Array]]], Iterable[tuple[float, Array]]] = iter,
    evidence: bool = False,
) -> Replay:
    return replay_frames(progress(sample_frames(path, fps)), vision, policy, evidence)


def offline_report(result: Replay, candidate_id: str, policy: Policy) -> SessionReport:
    """The same report the service gives at the end of a session, for a recorded interview."""
    now = time.time()
    record = SessionRecord(
        id=f"offline-{candidate_id}", candidate_id=candidate_id, owner=None, created_at=now, last_seen_at=now,
        status="ended", ended_at=now, policy=policy, state=result.state, evidence_enabled=bool(result.evidence),
    )  # fmt: skip
    report = build_report(record, SessionAnalyzer(policy))
    return report.model_copy(update={"evidence": list(result.evidence.values())})
