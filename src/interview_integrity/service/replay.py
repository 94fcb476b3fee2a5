"""Replay a recorded video through vision and the session engine, using the video's own timestamps, and its
sound through the sound stage beside it, each second of sound once it is complete, as a live client sends
it."""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from interview_integrity.analysis.engine import SessionAnalyzer, SessionState
from interview_integrity.analysis.policy import Policy
from interview_integrity.analysis.summary import Summary
from interview_integrity.audio.listen import listen
from interview_integrity.audio.media import chunks, file_sound
from interview_integrity.audio.signals import SoundStream
from interview_integrity.audio.speech import SpeechModel
from interview_integrity.audio.wav import Pcm
from interview_integrity.service.evidence import evidence_for
from interview_integrity.service.results import SessionReport
from interview_integrity.service.sound import apply_chunk, flush_sound, frame_sound
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
    frames: Iterable[tuple[float, Array]],
    vision: FrameAnalyzer,
    policy: Policy,
    evidence: bool = False,
    sound: Iterable[tuple[float, Pcm]] = (),
) -> Replay:
    """`sound`: chunks (start, samples) in time order; each is heard once the frames reach its end."""
    engine = SessionAnalyzer(policy)
    state = SessionState()
    heard = SoundStream()
    model = SpeechModel() if sound else None
    evidence_of: dict[str, Evidence] = {}
    raised_at: dict[str, float] = {}
    stream = FrameStream(vision, identity=policy.enabled("identity_changed"))
    index = -1  # frames are numbered as a session numbers them: chunks of sound are not frames
    for timestamp, item in _by_arrival(frames, sound):
        if isinstance(item, Pcm):
            assert model is not None
            for event in apply_chunk(heard, state, engine, listen(model, heard.listening, item, timestamp))[0]:
                raised_at.setdefault(event.id, timestamp + item.seconds)
            continue
        index += 1
        signals = stream.analyze(item, timestamp)
        outcome = engine.process(state, signals, index)
        events = outcome.events + frame_sound(heard, state, engine, signals)
        for event in events:
            raised_at.setdefault(event.id, timestamp)
        needs = [e for e in events if e.severity != "low" and e.id not in evidence_of]
        if evidence and needs:
            for snapshot in evidence_for(item, signals, needs, index):
                evidence_of[snapshot.event_id] = snapshot
    flush_sound(heard, state, engine)
    engine.finish(state)
    return Replay(state, engine.summary(state), evidence_of, raised_at)


def _by_arrival(
    frames: Iterable[tuple[float, Array]], sound: Iterable[tuple[float, Pcm]]
) -> Iterator[tuple[float, Array | Pcm]]:
    """Frames and chunks of sound in the order a live client sends them: a frame when it is taken, a chunk
    when its last sample has been recorded."""
    timed_frames: Iterator[tuple[float, int, float, Array | Pcm]] = ((t, 0, t, frame) for t, frame in frames)
    timed_sound: Iterator[tuple[float, int, float, Array | Pcm]] = ((t + p.seconds, 1, t, p) for t, p in sound)
    for _, _, timestamp, item in heapq.merge(timed_frames, timed_sound, key=lambda x: (x[0], x[1])):
        yield timestamp, item


def replay_video(
    path: Path,
    vision: FrameAnalyzer,
    policy: Policy,
    fps: float = 5.0,
    progress: Callable[[Iterator[tuple[float, Array]]], Iterable[tuple[float, Array]]] = iter,
    evidence: bool = False,
    sound: bool = True,
) -> Replay:
    """The video's frames at `fps` and, unless `sound` is False, its sound track."""
    found = file_sound(path) if sound else None
    pieces = list(chunks(found)) if found is not None else []
    return replay_frames(progress(sample_frames(path, fps)), vision, policy, evidence, pieces)


def offline_report(result: Replay, candidate_id: str, policy: Policy) -> SessionReport:
    """The same report the service gives at the end of a session, for a recorded interview."""
    now = time.time()
    record = SessionRecord(
        id=f"offline-{candidate_id}", candidate_id=candidate_id, owner=None, created_at=now, last_seen_at=now,
        status="ended", ended_at=now, policy=policy, state=result.state, evidence_enabled=bool(result.evidence),
    )  # fmt: skip
    report = build_report(record, SessionAnalyzer(policy))
    return report.model_copy(update={"evidence": list(result.evidence.values())})
