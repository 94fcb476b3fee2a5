"""What the service answers about a session, built from its record (the models are in results.py)."""

from __future__ import annotations

from interview_integrity.analysis.check import SessionCheck
from interview_integrity.analysis.engine import SessionAnalyzer
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.rules.base import rule_state
from interview_integrity.analysis.rules.voice import Heard, Voice
from interview_integrity.analysis.scoring import Risk
from interview_integrity.service.results import (
    FrameResult,
    RiskSummary,
    SessionEnded,
    SessionFacts,
    SessionListed,
    SessionReport,
    SessionStatus,
    SoundRun,
    StreamFacts,
)
from interview_integrity.stores.base import SessionRecord, SessionRow
from interview_integrity.vision.signals import FrameSignals


def frame_result(
    session_id: str,
    frame_index: int,
    signals: FrameSignals,
    events: list[Event],
    risk: Risk,
    check: SessionCheck,
    ms: float,
) -> FrameResult:
    return FrameResult(
        session_id=session_id,
        frame_index=frame_index,
        timestamp=signals.timestamp,
        processing_ms=round(ms, 1),
        faces=signals.faces,
        gaze=signals.gaze,
        head_pose=signals.head_pose,
        objects=signals.objects,
        objects_analyzed=signals.objects_analyzed,
        quality=signals.quality,
        events=events,
        risk=risk,
        check=check,
    )


def facts(record: SessionRecord) -> SessionFacts:
    return SessionFacts(
        session_id=record.id,
        candidate_id=record.candidate_id,
        status=record.status,
        created_at=record.created_at,
        ended_at=record.ended_at,
    )


def listed(row: SessionRow) -> SessionListed:
    return SessionListed(
        session_id=row.id,
        candidate_id=row.candidate_id,
        status=row.status,
        created_at=row.created_at,
        ended_at=row.ended_at,
        frames_analyzed=row.frames,
        events=row.events,
        peak_risk=row.peak_risk,
        verdict=row.verdict,
        duration_s=row.duration_s,
        decision=row.decision,
        decided_events=row.decided_events,
    )


def status_of(record: SessionRecord) -> SessionStatus:
    engine = SessionAnalyzer(record.policy)
    state = record.state
    summary = engine.summary(state)
    return SessionStatus(
        **dict(facts(record)),
        frames_analyzed=state.frames,
        events=len(state.events),
        calibrated=summary.calibrated,
        open_events=[e for e in state.events if e.open],
        risk=engine.risk(state),
        check=summary.check,
        summary=summary,
    )


def ended_payload(report: SessionReport) -> SessionEnded:
    return SessionEnded(
        session_id=report.session_id,
        candidate_id=report.candidate_id,
        verdict=report.verdict,
        reason=report.summary.explanation.reason,
        peak_risk=report.summary.peak_risk,
        events=len(report.events),
        report=f"/sessions/{report.session_id}/report",
    )


def build_report(record: SessionRecord, engine: SessionAnalyzer) -> SessionReport:
    """The report as the record stands; its evidence is kept beside the record and added when it is read."""
    summary = engine.summary(record.state)
    state = record.state
    return SessionReport(
        **dict(facts(record)),
        started_at=state.first_timestamp,
        stream=StreamFacts(first_frame_at=state.first_timestamp, last_frame_at=state.last_timestamp, gaps=state.gaps),
        risk_timeline=state.risk_timeline,
        sound_track=[SoundRun(start=a, end=b, kind=kind) for a, b, kind in rule_state(state, Voice.name, Heard).track],
        evidence=[],
        reviews=record.reviews,
        metadata=record.metadata,
        policy=record.policy,
        summary=summary,
        events=state.events,
        risk=RiskSummary(peak=summary.peak_risk, final=summary.final_risk),
        verdict=summary.verdict,
    )
