"""A session's life outside its frames: start (idempotent), what a client or a reviewer adds, the end and
its report, and finding sessions again."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Sequence
from typing import Any

from interview_integrity.analysis.engine import SessionAnalyzer
from interview_integrity.analysis.policy import PolicyError, build_policy
from interview_integrity.analysis.rules.identity import set_reference
from interview_integrity.audio.signals import SoundStream
from interview_integrity.config import Settings
from interview_integrity.errors import Busy, Conflict, NotFound, ServiceError, Unprocessable
from interview_integrity.metrics import Metrics
from interview_integrity.service.access import SessionAccess
from interview_integrity.service.catalogue import encode_cursor, events_page, list_sessions
from interview_integrity.service.clock import check_event, on_clock
from interview_integrity.service.results import (
    CalibrationRestarted,
    ClientEventAccepted,
    EventsPage,
    ReferencePhotoKept,
    SessionList,
    SessionReport,
    SessionStatus,
    WebhookLog,
)
from interview_integrity.service.sound import flush_sound
from interview_integrity.service.views import build_report, ended_payload, status_of
from interview_integrity.service.webhooks import SessionWebhooks
from interview_integrity.service.workers import Workers
from interview_integrity.stores.base import Decision, Evidence, Review, SessionRecord

IDEMPOTENCY_TTL_S = 86_400  # an Idempotency-Key of start-session is remembered a day


def _session_id() -> str:
    return secrets.token_urlsafe(18)  # 144 random bits: unguessable


class Sessions:
    def __init__(
        self, settings: Settings, workers: Workers, access: SessionAccess, webhooks: SessionWebhooks, metrics: Metrics
    ) -> None:
        self.settings = settings
        self._workers = workers
        self._access = access
        self._store = access.store
        self._webhooks = webhooks
        self._metrics = metrics

    async def get(self, session_id: str, owner: str | None, *, any_owner: bool = False) -> SessionRecord:
        return await self._access.get(session_id, owner, any_owner=any_owner)

    async def active(self, session_id: str, owner: str | None) -> SessionRecord:
        return await self._access.active(session_id, owner)

    async def start(
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
            request = [candidate_id, policy, metadata, evidence]
            earlier = await self._earlier(session_id, owner, idempotency_key, request)
            if earlier is not None:
                return earlier
        now = time.time()
        record = SessionRecord(
            id=session_id, candidate_id=candidate_id, owner=owner, created_at=now, last_seen_at=now, policy=resolved,
            metadata=metadata, evidence_enabled=self.settings.evidence_snapshots if evidence is None else evidence,
        )  # fmt: skip
        await self._store.create(record)
        if reference_photo is not None:
            try:
                await self.reference_photo(record.id, owner, reference_photo)
            except ServiceError:
                await self._store.delete(record.id)
                raise
        return record

    async def _earlier(self, session_id: str, owner: str | None, key: str, request: list[Any]) -> SessionRecord | None:
        """The session an Idempotency-Key already started for the same request; None when the key is new."""
        digest = hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()
        earlier = await self._store.remember(f"start:{owner}:{key}", f"{session_id} {digest}", IDEMPOTENCY_TTL_S)
        if earlier is None:
            return None
        earlier_id, earlier_digest = earlier.split(" ", 1)
        if earlier_digest != digest:
            raise Unprocessable(
                "this Idempotency-Key was used for a different start-session request", code="idempotency_conflict"
            )
        try:
            return await self.get(earlier_id, owner)
        except NotFound:
            raise Conflict(
                f"the session this Idempotency-Key started ({earlier_id}) is gone (deleted or expired); "
                "send a new key to start another",
                code="idempotency_key_spent",
            ) from None

    async def calibrate(self, session_id: str, owner: str | None) -> CalibrationRestarted:
        await self.active(session_id, owner)

        def restart(record: SessionRecord) -> None:
            SessionAnalyzer(record.policy).calibrate(record.state)
            record.last_seen_at = time.time()

        await self._access.update(session_id, restart)
        return CalibrationRestarted(session_id=session_id, calibration="restarted")

    async def client_event(
        self, session_id: str, owner: str | None, event_type: str, timestamp: float | None, detail: str = ""
    ) -> ClientEventAccepted:
        received = time.time()
        await self.active(session_id, owner)
        idle_ttl_s = float(self.settings.session_idle_ttl_s)

        def add(record: SessionRecord) -> ClientEventAccepted:
            if record.status != "active":
                raise Conflict(f"session {session_id!r} has ended", code="session_ended")
            at = on_clock(timestamp, received - record.created_at)
            check_event(at, record.state.first_timestamp, record.state.last_timestamp, idle_ttl_s)
            record.last_seen_at = received
            try:
                events = SessionAnalyzer(record.policy).client_event(record.state, event_type, at, detail)
            except ValueError as error:
                raise Conflict(str(error), code="rule_disabled") from None
            return ClientEventAccepted(session_id=session_id, event=events[0] if events else None, events=events)

        accepted = await self._access.update(session_id, add)
        for event in accepted.events:
            self._metrics.events.labels(event.type).inc()
        return accepted

    async def reference_photo(self, session_id: str, owner: str | None, photo: bytes | str) -> ReferencePhotoKept:
        """Keep the embedding of a reference photo's one face with the session (never the photo itself)."""
        record = await self.active(session_id, owner)
        if not record.policy.enabled("identity_changed"):
            raise Conflict("the identity check is switched off for this session", code="rule_disabled")
        if not self._workers.analyzer.identity_available:
            raise Busy("the face embedding model is not installed on this server", code="identity_unavailable")
        signals, _ = await self._workers.analyze(photo, 0.0)
        if signals.faces.count != 1 or signals.identity is None:
            found = signals.faces.count
            raise Unprocessable(
                f"a reference photo must show exactly one face, large and clear enough to recognise; it shows {found}",
                code="invalid_reference_photo",
            )
        vector = signals.identity.vector
        await self._access.update(session_id, lambda record: set_reference(record.state.rules, vector))
        return ReferencePhotoKept(session_id=session_id, reference_photo="kept", faces=signals.faces.count)

    async def end(self, session_id: str, owner: str | None) -> SessionReport:
        """The session's report; ending an ended session again answers the same report (a retried request)."""
        record = await self.get(session_id, owner)
        if record.status == "ended" and record.report is not None:
            return await self._with_evidence(session_id, SessionReport.model_validate(record.report))
        ended = False

        def finish(record: SessionRecord) -> SessionReport:
            nonlocal ended
            if record.status != "active" and record.report is not None:
                return SessionReport.model_validate(record.report)
            ended = True
            engine = SessionAnalyzer(record.policy)
            flush_sound(record.sound, record.state, engine)
            now = time.time()
            engine.finish(record.state, ended_at=now - record.created_at)  # a live stream's silence counts
            record.sound = SoundStream()  # the speech model's memory and the lips: only the live session used them
            record.status, record.ended_at = "ended", now
            record.face_track = record.stream_schedule = None  # only the next frame needed them
            record.recent_frames = []  # and frames sent again: their answers go (a late frame gets 409 session_ended)
            report = build_report(record, engine)
            record.report = report.model_dump(mode="json")
            return report

        report = await self._access.update(session_id, finish)
        if ended:
            self._webhooks.notify(session_id, "session.ended", ended_payload(report))
        return await self._with_evidence(session_id, report)

    async def _with_evidence(self, session_id: str, report: SessionReport) -> SessionReport:
        return report.model_copy(update={"evidence": await self._store.evidence(session_id)})

    async def review(
        self,
        session_id: str,
        owner: str | None,
        event_id: str | None,
        decision: Decision,
        note: str,
        reviewer: str = "",
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

        await self._access.update(session_id, add)
        return review

    async def list(self, owner: str | None, **filters: Any) -> SessionList:
        """The caller's sessions, newest first, filtered (catalogue.py)."""
        return await list_sessions(self._store, owner, **filters)

    async def following(self, record: SessionRecord, owner: str | None, **filters: Any) -> SessionList:
        """The session after `record` in the owner's list, filtered as given (the console's "next session")."""
        return await list_sessions(self._store, owner, cursor=encode_cursor((record.created_at, record.id)), **filters)

    async def evidence(self, session_id: str, owner: str | None) -> Sequence[Evidence]:
        """The session's evidence snapshots (empty unless switched on)."""
        await self.get(session_id, owner)
        return await self._store.evidence(session_id)

    async def events(self, session_id: str, owner: str | None, cursor: str | None, limit: int) -> EventsPage:
        return events_page(await self.get(session_id, owner), cursor, limit)

    async def webhook_log(self, session_id: str, owner: str | None) -> WebhookLog:
        record = await self.get(session_id, owner)
        return WebhookLog(session_id=session_id, deliveries=record.webhooks)

    async def delete(self, session_id: str, owner: str | None) -> None:
        await self.get(session_id, owner)
        await self._store.delete(session_id)

    async def status(self, session_id: str, owner: str | None) -> SessionStatus:
        return status_of(await self.get(session_id, owner))

    async def report(self, session_id: str, owner: str | None, *, signed: bool = False) -> SessionReport:
        """The report; `signed` (a valid report link) stands for the session's owner."""
        record = await self.get(session_id, owner, any_owner=signed)
        report = (
            SessionReport.model_validate(record.report)
            if record.report is not None
            else build_report(record, SessionAnalyzer(record.policy))
        )
        return await self._with_evidence(session_id, report)
