"""The frame path: a frame's bytes -> vision -> the session's rules -> the store, one frame at a time.

A session's frames take turns in time order (sequencer.py in this process, the store's `turn` across
processes), so the frames and their timestamps alone decide the result, not the order in which they
arrive; frames of different sessions run side by side. A frame gets its index in the same atomic update
that applies it, after it was analysed: a frame that cannot be decoded leaves the session as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from interview_integrity.analysis.check import SessionCheck, session_check
from interview_integrity.analysis.engine import SessionAnalyzer
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.scoring import Risk
from interview_integrity.config import Settings
from interview_integrity.errors import Conflict, ServiceError
from interview_integrity.metrics import Metrics
from interview_integrity.service.access import SessionAccess
from interview_integrity.service.clock import check_frame, on_clock
from interview_integrity.service.refusals import note_refusal
from interview_integrity.service.results import FrameResult, HighEventRaised
from interview_integrity.service.sequencer import Sequencer
from interview_integrity.service.views import frame_result
from interview_integrity.service.webhooks import SessionWebhooks
from interview_integrity.service.workers import Frame, Workers
from interview_integrity.stores.base import Evidence, SessionNotFoundError, SessionRecord
from interview_integrity.vision.signals import FrameSignals

MAX_EVIDENCE = 60  # snapshots a session keeps; about 20 KB each
# The first frame of a session waits this long for the frames sent with it: requests started together reach
# the server up to a few hundred milliseconds apart on a loaded client (CI saw over 100 ms), and one that
# arrives after a later frame was analysed can only be refused. It costs a quarter second once a session.
GATHER_FIRST_FRAME_S = 0.25


@dataclass
class Applied:
    """What applying one analysed frame to its session gave."""

    frame_index: int
    events: list[Event]
    risk: Risk
    check: SessionCheck
    needs_evidence: list[Event] = field(default_factory=list)  # medium or high events without a snapshot yet
    first_high: Event | None = None  # the session's first high-severity event, when this frame raised it


def apply_frame(record: SessionRecord, signals: FrameSignals, received: float, idle_ttl_s: float) -> Applied:
    """The frame's turn in its session's record (inside the store's atomic update)."""
    if record.status != "active":
        raise Conflict(f"session {record.id!r} ended while this frame was analysed", code="session_ended")
    check_frame(signals.timestamp, record.state.last_timestamp, idle_ttl_s)
    frame_index = record.next_frame_index
    record.next_frame_index += 1
    record.last_seen_at = received
    record.face_track, record.stream_schedule = signals.track, signals.schedule
    arrived_at = max(0.0, received - record.created_at)
    outcome = SessionAnalyzer(record.policy).process(record.state, signals, frame_index, arrived_at)
    applied = Applied(frame_index, outcome.events, outcome.risk, session_check(record.state, record.policy))
    if record.evidence_enabled:
        needs = [e for e in outcome.events if e.severity != "low" and e.id not in record.evidence_for]
        applied.needs_evidence = needs[: max(0, MAX_EVIDENCE - len(record.evidence_for))]
        record.evidence_for += [e.id for e in applied.needs_evidence]
    high = next((e for e in outcome.events if e.severity == "high"), None)
    if high is not None and not record.notified_high:
        record.notified_high = True
        applied.first_high = high
    return applied


class FramePath:
    def __init__(
        self, settings: Settings, workers: Workers, access: SessionAccess, webhooks: SessionWebhooks, metrics: Metrics
    ) -> None:
        self._idle_ttl_s = float(settings.session_idle_ttl_s)
        self._workers = workers
        self._access = access
        self._webhooks = webhooks
        self._metrics = metrics
        self._sequencer = Sequencer(max_waiting=workers.capacity)

    async def analyze(
        self, session_id: str, owner: str | None, frame: Frame, timestamp: float | None, arrived_at: float | None = None
    ) -> FrameResult:
        """`arrived_at` (Unix time) times a frame without a timestamp when it arrived before this call."""
        received = arrived_at or time.time()
        try:
            return await self._analyze(session_id, owner, frame, timestamp, received)
        except ServiceError as error:  # a refused frame is counted in its session: its time was not watched
            await note_refusal(self._access, session_id, error, timestamp, received)
            raise

    async def _analyze(
        self, session_id: str, owner: str | None, frame: Frame, timestamp: float | None, received: float
    ) -> FrameResult:
        record = await self._access.active(session_id, owner)
        # a frame without a timestamp is placed at its arrival, not at its turn; a wrong number is refused here
        time_s = on_clock(timestamp, received - record.created_at)
        with self._workers.claim():
            gather = GATHER_FIRST_FRAME_S if record.next_frame_index == 0 else 0.0
            async with (
                self._sequencer.turn(session_id, time_s, gather),
                self._access.store.turn(session_id, time_s, gather),
            ):
                return await self._in_turn(session_id, owner, frame, time_s, received)

    async def _in_turn(
        self, session_id: str, owner: str | None, frame: Frame, time_s: float, received: float
    ) -> FrameResult:
        record = await self._access.active(session_id, owner)  # as the session's last frame left it
        check_frame(time_s, record.state.last_timestamp, self._idle_ttl_s)
        identity = record.policy.enabled("identity_changed")
        signals, image = await self._workers.analyze(frame, time_s, record.face_track, record.stream_schedule, identity)
        applied = await self._access.update(
            session_id, lambda record: apply_frame(record, signals, received, self._idle_ttl_s)
        )
        if applied.first_high is not None:
            raised = HighEventRaised(session_id=session_id, event=applied.first_high)
            self._webhooks.notify(session_id, "event.high", raised)
        if applied.needs_evidence:
            # the frame that raised a medium or high event; the image is dropped as soon as it is encoded
            jpeg = await self._workers.evidence_jpeg(image, signals)
            for event in applied.needs_evidence:
                snapshot = Evidence.of(event, applied.frame_index, signals.timestamp, jpeg)
                try:
                    await self._access.store.add_evidence(session_id, snapshot, MAX_EVIDENCE)
                except SessionNotFoundError:
                    break  # deleted meanwhile: its evidence goes with it
        elapsed = time.time() - received
        self._metrics.frames.inc()
        self._metrics.latency.observe(elapsed)
        for event in applied.events:
            if event.frames[:1] == [applied.frame_index] or event.type == "repeated_glances":
                self._metrics.events.labels(event.type).inc()
        return frame_result(
            session_id, applied.frame_index, signals, applied.events, applied.risk, applied.check, elapsed * 1000
        )
