"""The one place the stages are wired: frame bytes -> vision -> analysis -> scoring -> session store.

Knows nothing of HTTP. CPU work (decoding and models) runs in a bounded thread pool sized to the cores;
when it is full, `analyze_frame` raises Busy (REST answers 503 + Retry-After) and the event loop never
blocks. A session's frames take turns in time order (sequencer.py in this process, the store's `turn`
across processes), so the frames and their timestamps alone decide the result, not the order in which they
arrive; frames of different sessions run side by side. Session updates go through the store's atomic
update, so a client event or an end racing a frame loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import cv2
import numpy as np

from interview_integrity.analysis.check import session_check
from interview_integrity.analysis.engine import SessionAnalyzer
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import PolicyError, build_policy
from interview_integrity.analysis.rules.identity import set_reference
from interview_integrity.analysis.scoring import current_risk
from interview_integrity.config import Settings
from interview_integrity.errors import (
    Busy,
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    ServiceError,
    Unprocessable,
)
from interview_integrity.metrics import Metrics
from interview_integrity.service.catalogue import events_page, list_sessions
from interview_integrity.service.clock import check_event, check_frame, on_clock
from interview_integrity.service.sequencer import Sequencer
from interview_integrity.service.views import build_report, ended_payload, frame_result, summary_of
from interview_integrity.service.webhooks import Webhooks
from interview_integrity.stores.base import (
    Delivery,
    Evidence,
    Review,
    SessionNotFoundError,
    SessionRecord,
    SessionStore,
    StoreUnavailableError,
)
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.decode import ImageDecodeError, ImageTooLargeError
from interview_integrity.vision.schedule import StreamSchedule
from interview_integrity.vision.signals import FaceTrack, FrameSignals
from interview_integrity.vision.snapshot import evidence_jpeg

# encoded bytes (REST, the WebSocket), base64 text, or pixels a media track already decoded (WebRTC, BGR)
Frame = bytes | str | Array

MAX_EVIDENCE = 60  # snapshots a session keeps; about 20 KB each
IDEMPOTENCY_TTL_S = 86_400  # an Idempotency-Key of start-session is remembered a day
# The first frame of a session waits this long for the frames sent with it: requests started together reach
# the server up to a few hundred milliseconds apart on a loaded client (CI saw over 100 ms), and one that
# arrives after a later frame was analysed can only be refused. It costs a quarter second once a session.
GATHER_FIRST_FRAME_S = 0.25


def _missing(session_id: str) -> NotFound:
    return NotFound(f"no session {session_id!r} (it may have expired)", code="session_not_found")


def _session_id() -> str:
    return secrets.token_urlsafe(18)  # 144 random bits: unguessable


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        analyzer: FrameAnalyzer,
        store: SessionStore,
        metrics: Metrics,
        webhooks: Webhooks | None = None,
    ) -> None:
        self.settings = settings
        self.analyzer = analyzer
        self.store = store
        self.metrics = metrics
        self.webhooks = webhooks or Webhooks("", "")
        workers = settings.worker_count()
        # one frame per worker per core: OpenCV's own thread pool would oversubscribe the cores
        cv2.setNumThreads(1)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="frames")
        self._capacity = workers * (1 + settings.queue_per_worker)
        self._in_flight = 0
        self._sequencer = Sequencer(max_waiting=self._capacity)
        self.warm = False

    async def warm_up(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self.analyzer.warm_up)
        self.warm = True

    def close(self) -> None:
        """Stops the frame workers; the analyzer belongs to whoever made it (it may outlive the pipeline)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    @property
    def has_capacity(self) -> bool:
        return self._in_flight < self._capacity

    # -- sessions ---------------------------------------------------------------------------------
    async def start_session(
        self,
        candidate_id: str,
        policy: str | dict[str, Any] | None,
        metadata: dict[str, Any],
        owner: str | None,
        evidence: bool | None = None,
        idempotency_key: str | None = None,
        reference_photo: bytes | str | None = None,
    ) -> SessionRecord:
        """A new session; with an `idempotency_key` already used for the same request, the session it made. A
        `reference_photo` that cannot be used refuses the session (nothing is left behind)."""
        try:
            resolved = build_policy(policy)
        except PolicyError as error:
            raise Unprocessable(str(error), code="invalid_policy") from None
        session_id = _session_id()
        if idempotency_key is not None:
            request = hashlib.sha256(
                json.dumps([candidate_id, policy, metadata, evidence], sort_keys=True, default=str).encode()
            )
            mine = f"{session_id} {request.hexdigest()}"
            earlier = await self.store.remember(f"start:{owner}:{idempotency_key}", mine, IDEMPOTENCY_TTL_S)
            if earlier is not None:
                earlier_id, earlier_request = earlier.split(" ", 1)
                if earlier_request != request.hexdigest():
                    raise Unprocessable(
                        "this Idempotency-Key was used for a different start-session request",
                        code="idempotency_conflict",
                    )
                try:
                    return await self.get(earlier_id, owner)
                except NotFound:
                    raise Conflict(
                        f"the session this Idempotency-Key started ({earlier_id}) is gone (deleted or expired); "
                        "send a new key to start another",
                        code="idempotency_key_spent",
                    ) from None
        now = time.time()
        record = SessionRecord(
            id=session_id,
            candidate_id=candidate_id,
            owner=owner,
            created_at=now,
            last_seen_at=now,
            policy=resolved,
            metadata=metadata,
            evidence_enabled=self.settings.evidence_snapshots if evidence is None else evidence,
        )
        await self.store.create(record)
        if reference_photo is not None:
            try:
                await self.reference_photo(record.id, owner, reference_photo)
            except ServiceError:
                await self.store.delete(record.id)
                raise
        return record

    async def get(self, session_id: str, owner: str | None, *, any_owner: bool = False) -> SessionRecord:
        """The session, when `owner` made it (`any_owner`: a signed report link stands for its owner)."""
        record = await self.store.get(session_id)
        if record is None or (record.owner != owner and not any_owner):
            # another tenant's session is reported exactly like a missing one
            raise _missing(session_id)
        return record

    async def _update(self, session_id: str, change: Any) -> Any:
        try:
            return await self.store.update(session_id, change)
        except SessionNotFoundError:
            raise _missing(session_id) from None

    async def active(self, session_id: str, owner: str | None) -> SessionRecord:
        """The session, still taking frames (else 409 `session_ended`)."""
        record = await self.get(session_id, owner)
        if record.status != "active":
            raise Conflict(f"session {session_id!r} has ended; start a new session", code="session_ended")
        return record

    # -- frames -----------------------------------------------------------------------------------
    async def analyze_frame(
        self,
        session_id: str,
        owner: str | None,
        frame: Frame,
        timestamp: float | None,
        arrived_at: float | None = None,
    ) -> dict[str, Any]:
        """`arrived_at` (Unix time) times a frame without a timestamp when it arrived before this call."""
        received = arrived_at or time.time()
        record = await self.active(session_id, owner)
        # a frame without a timestamp is placed at its arrival, not at its turn; a wrong number is refused here
        time_s = on_clock(timestamp, received - record.created_at)
        if not self.has_capacity:
            raise Busy("all frame workers are busy; retry shortly", retry_after=1)
        self._in_flight += 1
        try:
            gather = GATHER_FIRST_FRAME_S if record.next_frame_index == 0 else 0.0
            async with (
                self._sequencer.turn(session_id, time_s, gather),
                self.store.turn(session_id, time_s, gather),
            ):
                return await self._analyze_in_turn(session_id, owner, frame, time_s, received)
        finally:
            self._in_flight -= 1

    async def _analyze_in_turn(
        self, session_id: str, owner: str | None, frame: Frame, time_s: float, received: float
    ) -> dict[str, Any]:
        record = await self.active(session_id, owner)  # as the session's last frame left it
        check_frame(time_s, record.state.last_timestamp, float(self.settings.session_idle_ttl_s))
        loop = asyncio.get_running_loop()
        identity = record.policy.enabled("identity_changed")
        signals, image = await loop.run_in_executor(
            self._executor, self._analyze, frame, time_s, record.face_track, record.stream_schedule, identity
        )

        # The frame is numbered only once it has been analysed: a frame that cannot be decoded leaves the
        # session exactly as it was.
        def apply(record: SessionRecord) -> tuple[int, list[Event], dict[str, Any], list[Event], dict[str, Any]]:
            if record.status != "active":
                raise Conflict(f"session {session_id!r} ended while this frame was analysed", code="session_ended")
            check_frame(time_s, record.state.last_timestamp, float(self.settings.session_idle_ttl_s))
            frame_index = record.next_frame_index
            record.next_frame_index += 1
            record.last_seen_at = received
            record.face_track, record.stream_schedule = signals.track, signals.schedule
            outcome = SessionAnalyzer(record.policy).process(record.state, signals, frame_index)
            needs = [e for e in outcome.events if e.severity != "low" and e.id not in record.evidence_for]
            needs = needs[: max(0, MAX_EVIDENCE - len(record.evidence_for))] if record.evidence_enabled else []
            record.evidence_for += [e.id for e in needs]
            check = session_check(record.state, record.policy).model_dump()
            high = next((e for e in outcome.events if e.severity == "high"), None)
            if high is not None and not record.notified_high:
                record.notified_high = True
                first_high.append(high)
            return frame_index, outcome.events, outcome.risk.model_dump(), needs, check

        first_high: list[Event] = []
        frame_index, events, risk, needs_evidence, check = await self._update(session_id, apply)
        for event in first_high[-1:]:
            self._notify(session_id, "event.high", {"session_id": session_id, "event": event.model_dump(mode="json")})
        if needs_evidence:
            # the frame that raised a medium or high event; the image is dropped as soon as it is encoded
            jpeg = await loop.run_in_executor(self._executor, evidence_jpeg, image, signals)
            for event in needs_evidence:
                snapshot = Evidence.of(event, frame_index, signals.timestamp, jpeg)
                try:
                    await self.store.add_evidence(session_id, snapshot, MAX_EVIDENCE)
                except SessionNotFoundError:
                    break  # deleted meanwhile: its evidence goes with it
        elapsed = time.time() - received
        self.metrics.frames.inc()
        self.metrics.latency.observe(elapsed)
        for event in events:
            if event.frames[:1] == [frame_index] or event.type == "repeated_glances":
                self.metrics.events.labels(event.type).inc()
        return frame_result(session_id, frame_index, signals, events, risk, check, elapsed * 1000)

    def _analyze(
        self,
        frame: Frame,
        timestamp: float,
        track: FaceTrack | None,
        schedule: StreamSchedule | None,
        identity: bool = True,
    ) -> tuple[FrameSignals, Array]:
        try:
            image = frame if isinstance(frame, np.ndarray) else self.analyzer.decode(frame)
            signals = self.analyzer.analyze(image, timestamp, track=track, schedule=schedule, identity=identity)
            return signals, image
        except ImageTooLargeError as error:
            raise PayloadTooLarge(str(error), code=error.code) from None
        except ImageDecodeError as error:
            raise InvalidInput(str(error), code=error.code) from None

    # -- the rest of a session's life -------------------------------------------------------------
    async def calibrate(self, session_id: str, owner: str | None) -> dict[str, Any]:
        await self.active(session_id, owner)

        def restart(record: SessionRecord) -> None:
            SessionAnalyzer(record.policy).calibrate(record.state)
            record.last_seen_at = time.time()

        await self._update(session_id, restart)
        return {"session_id": session_id, "calibration": "restarted"}

    async def client_event(
        self, session_id: str, owner: str | None, event_type: str, timestamp: float | None, detail: str = ""
    ) -> dict[str, Any]:
        received = time.time()
        await self.active(session_id, owner)

        def add(record: SessionRecord) -> list[Event]:
            if record.status != "active":
                raise Conflict(f"session {session_id!r} has ended", code="session_ended")
            at = on_clock(timestamp, received - record.created_at)
            state = record.state
            check_event(at, state.first_timestamp, state.last_timestamp, float(self.settings.session_idle_ttl_s))
            record.last_seen_at = received
            try:
                return SessionAnalyzer(record.policy).client_event(record.state, event_type, at, detail)
            except ValueError as error:
                raise Conflict(str(error), code="rule_disabled") from None

        events: list[Event] = await self._update(session_id, add)
        for event in events:
            self.metrics.events.labels(event.type).inc()
        dumped = [e.model_dump(mode="json") for e in events]
        return {"session_id": session_id, "event": dumped[0] if dumped else None, "events": dumped}

    async def reference_photo(self, session_id: str, owner: str | None, photo: bytes | str) -> dict[str, Any]:
        """Keep the embedding of a reference photo's one face with the session (never the photo itself)."""
        record = await self.active(session_id, owner)
        if not record.policy.enabled("identity_changed"):
            raise Conflict("the identity check is switched off for this session", code="rule_disabled")
        if not self.analyzer.identity_available:
            raise Busy("the face embedding model is not installed on this server", code="identity_unavailable")
        loop = asyncio.get_running_loop()
        signals, _ = await loop.run_in_executor(self._executor, self._analyze, photo, 0.0, None, None, True)
        if signals.faces.count != 1 or signals.identity is None:
            found = signals.faces.count
            raise Unprocessable(
                f"a reference photo must show exactly one face, large and clear enough to recognise; it shows {found}",
                code="invalid_reference_photo",
            )
        vector = signals.identity.vector

        def keep(record: SessionRecord) -> None:
            set_reference(record.state.rules, vector)

        await self._update(session_id, keep)
        return {"session_id": session_id, "reference_photo": "kept", "faces": signals.faces.count}

    async def end_session(self, session_id: str, owner: str | None) -> dict[str, Any]:
        """The session's report; ending an ended session again answers the same report (a retried request)."""
        record = await self.get(session_id, owner)
        if record.status == "ended" and record.report is not None:
            return await self._with_evidence(session_id, record.report)
        ended = False

        def finish(record: SessionRecord) -> dict[str, Any]:
            nonlocal ended
            if record.status != "active" and record.report is not None:
                return record.report
            ended = True
            engine = SessionAnalyzer(record.policy)
            engine.finish(record.state)
            record.status, record.ended_at = "ended", time.time()
            record.face_track = record.stream_schedule = None  # only the next frame needed them
            record.report = build_report(record, engine)
            return record.report

        report: dict[str, Any] = await self._update(session_id, finish)
        if ended:
            self._notify(session_id, "session.ended", ended_payload(report))
        return await self._with_evidence(session_id, report)

    def _notify(self, session_id: str, event: str, payload: dict[str, Any]) -> None:
        async def record(delivery: Delivery) -> None:
            def keep(record: SessionRecord) -> None:
                record.webhooks = [*(d for d in record.webhooks if d.id != delivery.id), delivery][-50:]

            with contextlib.suppress(NotFound, StoreUnavailableError):
                await self._update(session_id, keep)

        self.webhooks.send(event, payload, record)

    async def _with_evidence(self, session_id: str, report: dict[str, Any]) -> dict[str, Any]:
        return {**report, "evidence": [e.model_dump() for e in await self.store.evidence(session_id)]}

    async def review(
        self, session_id: str, owner: str | None, event_id: str | None, decision: str, note: str, reviewer: str = ""
    ) -> Review:
        record = await self.get(session_id, owner)
        if event_id is not None and all(e.id != event_id for e in record.state.events):
            raise NotFound(f"session {session_id!r} has no event {event_id!r}", code="event_not_found")
        review = Review(
            id=secrets.token_hex(6),
            event_id=event_id,
            decision=decision,
            note=note,
            reviewer=reviewer or (f"unnamed reviewer (key {owner[:8]})" if owner else "unnamed reviewer"),
            created_at=time.time(),
        )

        def add(stored: SessionRecord) -> None:
            stored.reviews.append(review)
            if stored.report is not None:
                stored.report["reviews"] = [r.model_dump() for r in stored.reviews]

        await self._update(session_id, add)
        return review

    async def list_sessions(self, owner: str | None, **filters: Any) -> dict[str, Any]:
        """The caller's sessions, newest first, filtered (catalogue.py)."""
        return await list_sessions(self.store, owner, **filters)

    async def events(self, session_id: str, owner: str | None, cursor: str | None, limit: int) -> dict[str, Any]:
        return events_page(await self.get(session_id, owner), cursor, limit)

    async def webhook_log(self, session_id: str, owner: str | None) -> dict[str, Any]:
        record = await self.get(session_id, owner)
        return {"session_id": session_id, "deliveries": [d.model_dump() for d in record.webhooks]}

    async def delete(self, session_id: str, owner: str | None) -> None:
        await self.get(session_id, owner)
        await self.store.delete(session_id)

    async def status(self, session_id: str, owner: str | None) -> dict[str, Any]:
        record = await self.get(session_id, owner)
        engine = SessionAnalyzer(record.policy)
        risk = current_risk(record.state.risk, record.state.events, record.policy, engine.now(record.state))
        summary = engine.summary(record.state)
        return {
            **summary_of(record),
            "frames_analyzed": record.state.frames,
            "calibrated": summary["calibrated"],
            "open_events": [e.model_dump(mode="json") for e in record.state.events if e.open],
            "events": len(record.state.events),
            "risk": risk.model_dump(),
            "check": summary["check"],
            "summary": summary,
        }

    async def report(self, session_id: str, owner: str | None, *, signed: bool = False) -> dict[str, Any]:
        """The report; `signed` (a valid report link) stands for the session's owner."""
        record = await self.get(session_id, owner, any_owner=signed)
        return await self._with_evidence(
            session_id, record.report or build_report(record, SessionAnalyzer(record.policy))
        )
