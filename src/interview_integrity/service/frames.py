"""The frame path: a frame's bytes -> vision -> the session's rules -> the store, once, in time order.

A session's frames take turns in time order (the store's `turn`: stores/lines.py in a process, Redis across
processes), so the frames and their timestamps alone decide the result, not the order in which they arrive;
frames of different sessions run side by side. A frame gets its index in the same atomic update that applies
it, after it was analysed: a frame that cannot be decoded leaves the session as it was.

A frame is counted once (once.py): a frame the session already analysed is answered with its kept answer,
looked for when it arrives, when its turn comes and inside the update that would apply it. The update
applies a frame only when no other frame was applied since its turn began (the session's next frame index is
the fence): a process that stopped for longer than its turn's lease cannot apply a result computed from a
stale record; it answers 503 and the frame is sent again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from interview_integrity.analysis.check import SessionCheck, session_check
from interview_integrity.analysis.engine import SessionAnalyzer
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.scoring import Risk
from interview_integrity.config import Settings
from interview_integrity.errors import Busy, Conflict, ServiceError
from interview_integrity.metrics import Metrics
from interview_integrity.service.access import SessionAccess
from interview_integrity.service.clock import check_frame, on_clock
from interview_integrity.service.once import answer_lost, named, remember
from interview_integrity.service.refusals import note_refusal
from interview_integrity.service.results import FrameResult, HighEventRaised
from interview_integrity.service.sound import frame_sound
from interview_integrity.service.views import frame_result
from interview_integrity.service.webhooks import SessionWebhooks
from interview_integrity.service.workers import Frame, Workers
from interview_integrity.stores.base import Answer, RecentFrame, SessionNotFoundError, SessionRecord
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.signals import FrameSignals

MAX_EVIDENCE = 60  # snapshots a session keeps (tests/vision/test_snapshot.py measures their size)


@dataclass
class Applied:
    """What applying one analysed frame to its session gave."""

    frame_index: int
    events: list[Event]
    risk: Risk
    check: SessionCheck
    needs_evidence: list[Event] = field(default_factory=list)  # medium or high events without a snapshot yet
    first_high: Event | None = None  # the session's first high-severity event, when this frame raised it
    result: FrameResult | None = None  # the answer, kept with the record
    sound_cpu_s: float = 0.0  # CPU time the frame's lips and the sound they settled took
    heard_opened: list[str] = field(default_factory=list)  # types of the events the settled sound opened


# where a frame's time goes in the service (ii_frame_stage_seconds{stage}; `make bench` prints the means): waiting
# its turn and then a free worker, decoding, the models, the rules, the store's update, writing the answer
STAGES = ("wait", "decode", "models", "rules", "store", "answer")


@dataclass
class Stages:
    """Where one applied frame's time went in the service, in seconds."""

    turn: float = 0.0  # waiting for its session's turn
    rules: float = 0.0
    answer: float = 0.0
    store: float = 0.0

    @contextmanager
    def timed(self, stage: Literal["rules", "answer"]) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            setattr(self, stage, getattr(self, stage) + time.perf_counter() - started)

    def observe(self, metrics: Metrics, signals: FrameSignals) -> None:
        timings = signals.timings_ms
        seconds = {
            "wait": self.turn + timings.get("queued", 0.0) / 1000,  # its turn, then a free worker
            "decode": timings.get("decode", 0.0) / 1000,
            "models": timings.get("total", 0.0) / 1000,
            "rules": self.rules,
            "store": max(0.0, self.store),
            "answer": self.answer,
        }
        for stage in STAGES:
            metrics.stages.labels(stage).observe(seconds[stage])


@dataclass(frozen=True)
class Named:
    """A frame as its request names it (once.py)."""

    time_s: float
    timestamp: float | None  # as sent; None: timed on arrival
    frame_id: str | None


class TurnLapsed(Busy):
    def __init__(self) -> None:
        super().__init__(
            "the session's turn passed to another frame while this one was analysed (the server was held up); "
            "nothing was counted: send the frame again"
        )


def apply_frame(record: SessionRecord, signals: FrameSignals, received: float, idle_ttl_s: float) -> Applied:
    """The frame's turn in its session's record (inside the store's atomic update)."""
    if record.status != "active":
        raise Conflict(f"session {record.id!r} ended while this frame was analysed", code="session_ended")
    check_frame(signals.timestamp, record.state.last_timestamp, idle_ttl_s)
    frame_index = record.next_frame_index
    record.next_frame_index += 1
    record.last_seen_at = received
    record.face_track, record.stream_schedule = signals.track, signals.schedule
    engine = SessionAnalyzer(record.policy)
    arrived_at = max(0.0, received - record.created_at)
    outcome = engine.process(record.state, signals, frame_index, arrived_at)
    cpu = time.thread_time()  # the frame's lips settle the sound waiting for them
    known = {event.id for event in record.state.events}
    heard = frame_sound(record.sound, record.state, engine, signals)
    sound_cpu_s = time.thread_time() - cpu
    events = _merged(outcome.events, heard)
    risk = engine.risk(record.state) if heard else outcome.risk
    applied = Applied(frame_index, events, risk, session_check(record.state, record.policy), sound_cpu_s=sound_cpu_s)
    applied.heard_opened = [str(event.type) for event in heard if event.id not in known]
    if record.evidence_enabled:
        needs = [e for e in events if e.severity != "low" and e.id not in record.evidence_for]
        applied.needs_evidence = needs[: max(0, MAX_EVIDENCE - len(record.evidence_for))]
        record.evidence_for += [e.id for e in applied.needs_evidence]
    high = next((e for e in events if e.severity == "high"), None)
    if high is not None and not record.notified_high:
        record.notified_high = True
        applied.first_high = high
    return applied


def _merged(seen: list[Event], heard: list[Event]) -> list[Event]:
    by_id = {event.id: event for event in seen}
    by_id.update((event.id, event) for event in heard)
    return list(by_id.values())


class FramePath:
    def __init__(
        self, settings: Settings, workers: Workers, access: SessionAccess, webhooks: SessionWebhooks, metrics: Metrics
    ) -> None:
        self._idle_ttl_s = float(settings.session_idle_ttl_s)
        self._answers_kept = settings.frames.answers_kept
        self._workers = workers
        self._access = access
        self._webhooks = webhooks
        self._metrics = metrics
        self._ahead: dict[str, int] = {}  # frames of each session arrived here and not yet in its line

    async def analyze(
        self,
        session_id: str,
        owner: str | None,
        frame: Frame,
        timestamp: float | None,
        arrived_at: float | None = None,
        frame_id: str | None = None,
        in_order: bool = False,
    ) -> FrameResult:
        """`arrived_at` (Unix time) times a frame without a timestamp when it arrived before this call;
        `in_order`: the caller sends one frame at a time (a stream), so no earlier frame can still arrive."""
        received = arrived_at or time.time()
        try:
            return await self._analyze(session_id, owner, frame, timestamp, received, frame_id, in_order)
        except ServiceError as error:  # a refused frame is counted in its session: its time was not watched
            await note_refusal(self._access, session_id, error, timestamp, received)
            raise

    async def _analyze(
        self,
        session_id: str,
        owner: str | None,
        frame: Frame,
        timestamp: float | None,
        received: float,
        frame_id: str | None,
        in_order: bool,
    ) -> FrameResult:
        with self._arriving(session_id) as joined:
            record = await self._access.active(session_id, owner)
            # a frame without a timestamp is placed at its arrival, not at its turn; a wrong number is refused here
            name = Named(on_clock(timestamp, received - record.created_at), timestamp, frame_id)
            resent = await self._resent(record, name)
            if resent is not None:
                return resent
            with self._workers.claim():
                waiting = time.perf_counter()
                joined()
                # a frame timed on arrival is later than every frame that arrived before it: nothing to wait for
                reorder = timestamp is not None and not in_order
                async with self._access.store.turn(session_id, name.time_s, reorder, lambda: session_id in self._ahead):
                    return await self._in_turn(session_id, owner, frame, name, received, waiting)

    @contextmanager
    def _arriving(self, session_id: str) -> Iterator[Callable[[], None]]:
        """Counts the frame among its session's frames on their way into the line until it joins it (or leaves):
        a session's first frames wait for the others only when there are others (stores/lines.py)."""
        self._ahead[session_id] = self._ahead.get(session_id, 0) + 1
        left = False

        def join() -> None:
            nonlocal left
            if not left:
                left = True
                self._ahead[session_id] -= 1
                if not self._ahead[session_id]:
                    del self._ahead[session_id]

        try:
            yield join
        finally:
            join()

    async def _resent(self, record: SessionRecord, name: Named) -> FrameResult | None:
        """The kept answer when the request names a frame the session analysed already."""
        recent = named(record, name.timestamp, name.frame_id)
        return None if recent is None else await self._kept(record.id, recent, name)

    async def _kept(self, session_id: str, recent: RecentFrame, name: Named) -> FrameResult:
        body = await self._access.store.answer(session_id, recent.frame_index)
        if body is None:
            raise answer_lost(recent)
        self._metrics.resent.inc()
        echoed = {"frame_id": name.frame_id} if name.frame_id is not None else {}
        return FrameResult.model_validate_json(body).model_copy(update={"resent": True, **echoed})

    async def _in_turn(
        self, session_id: str, owner: str | None, frame: Frame, name: Named, received: float, waiting: float
    ) -> FrameResult:
        stages = Stages(turn=time.perf_counter() - waiting)
        record = await self._access.active(session_id, owner)  # as the session's last frame left it
        resent = await self._resent(record, name)  # the same frame sent twice at once: the first one was applied
        if resent is not None:
            return resent
        check_frame(name.time_s, record.state.last_timestamp, self._idle_ttl_s)
        fence = record.next_frame_index
        identity = record.policy.enabled("identity_changed")
        signals, image = await self._workers.analyze(
            frame, name.time_s, record.face_track, record.stream_schedule, identity
        )

        def commit(record: SessionRecord) -> Applied | RecentFrame:
            recent = named(record, name.timestamp, name.frame_id)
            if recent is not None:
                return recent  # applied meanwhile by the same frame sent again
            if record.next_frame_index != fence:
                raise TurnLapsed()
            with stages.timed("rules"):
                applied = apply_frame(record, signals, received, self._idle_ttl_s)
            elapsed_ms = (time.time() - received) * 1000
            with stages.timed("answer"):
                applied.result = frame_result(
                    session_id, applied.frame_index, signals, applied.events, applied.risk, applied.check, elapsed_ms
                ).model_copy(update={"frame_id": name.frame_id})
            remember(record, RecentFrame(frame_index=applied.frame_index, timestamp=name.time_s,
                                         frame_id=name.frame_id), self._answers_kept)  # fmt: skip
            return applied

        def keep(outcome: Applied | RecentFrame) -> Answer | None:
            if isinstance(outcome, RecentFrame) or outcome.result is None:
                return None
            with stages.timed("answer"):
                body = outcome.result.keep_json()  # written once: kept, and sent as it is
            return Answer(outcome.frame_index, body)

        updating = time.perf_counter()
        outcome = await self._access.update(session_id, commit, keep)
        stages.store = time.perf_counter() - updating - stages.rules - stages.answer
        if isinstance(outcome, RecentFrame):
            return await self._kept(session_id, outcome, name)
        await self._after(session_id, outcome, signals, image)
        elapsed = time.time() - received
        stages.observe(self._metrics, signals)
        self._metrics.frames.inc()
        self._metrics.audio_cpu.inc(outcome.sound_cpu_s)
        self._metrics.latency.observe(elapsed)
        for event in outcome.events:
            if event.frames[:1] == [outcome.frame_index] or event.type == "repeated_glances":
                self._metrics.events.labels(event.type).inc()
        for kind in outcome.heard_opened:
            self._metrics.events.labels(kind).inc()
        assert outcome.result is not None
        return outcome.result  # as kept: the frame sent again gets it word for word

    async def _after(self, session_id: str, applied: Applied, signals: FrameSignals, image: Array) -> None:
        """What follows an applied frame: the first high event's webhook, the evidence snapshots."""
        if applied.first_high is not None:
            raised = HighEventRaised(session_id=session_id, event=applied.first_high)
            self._webhooks.notify(session_id, "event.high", raised)
        if applied.needs_evidence:
            # the frame that raised a medium or high event; the image is dropped as soon as it is encoded
            snapshots = await self._workers.evidence(image, signals, applied.needs_evidence, applied.frame_index)
            for snapshot in snapshots:
                try:
                    await self._access.store.add_evidence(session_id, snapshot, MAX_EVIDENCE)
                except SessionNotFoundError:
                    break  # deleted meanwhile: its evidence goes with it
