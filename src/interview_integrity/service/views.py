"""What the API answers about a session, built from its record: a frame's result, the report, a listing row,
the webhook payload of its end. Plain dicts, the same for REST, the WebSocket and webhooks."""

from __future__ import annotations

from typing import Any

from interview_integrity.analysis.engine import SessionAnalyzer
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.scoring import current_risk
from interview_integrity.stores.base import SessionRecord
from interview_integrity.vision.signals import FrameSignals


def frame_result(
    session_id: str,
    frame_index: int,
    signals: FrameSignals,
    events: list[Event],
    risk: dict[str, Any],
    check: dict[str, Any],
    ms: float,
) -> dict[str, Any]:
    data = signals.model_dump(mode="json", exclude={"timings_ms"})
    return {
        "session_id": session_id,
        "frame_index": frame_index,
        "timestamp": signals.timestamp,
        "processing_ms": round(ms, 1),
        "faces": data["faces"],
        "gaze": data["gaze"],
        "head_pose": data["head_pose"],
        "objects": data["objects"],
        "objects_analyzed": data["objects_analyzed"],
        "quality": data["quality"],
        "events": [e.model_dump(mode="json") for e in events],
        "risk": risk,
        "check": check,
    }


def summary_of(record: SessionRecord) -> dict[str, Any]:
    return {
        "session_id": record.id,
        "candidate_id": record.candidate_id,
        "status": record.status,
        "created_at": record.created_at,
        "ended_at": record.ended_at,
    }


def listing_row(record: SessionRecord) -> dict[str, Any]:
    engine = SessionAnalyzer(record.policy)
    risk = current_risk(record.state.risk, record.state.events, record.policy, engine.now(record.state))
    return {
        **summary_of(record),
        "frames_analyzed": record.state.frames,
        "events": len(record.state.events),
        "peak_risk": round(record.state.risk.peak, 1),
        "verdict": risk.verdict,
    }


def ended_payload(report: dict[str, Any]) -> dict[str, Any]:
    summary = report["summary"]
    return {
        "session_id": report["session_id"],
        "candidate_id": report["candidate_id"],
        "verdict": report["verdict"],
        "reason": summary["explanation"]["reason"],
        "peak_risk": summary["peak_risk"],
        "events": len(report["events"]),
        "report": f"/sessions/{report['session_id']}/report",
    }


def build_report(record: SessionRecord, engine: SessionAnalyzer) -> dict[str, Any]:
    summary = engine.summary(record.state)
    return {
        **summary_of(record),
        "started_at": record.state.first_timestamp,
        "stream": {
            "first_frame_at": record.state.first_timestamp,
            "last_frame_at": record.state.last_timestamp,
            "gaps": record.state.gaps,
        },
        "risk_timeline": record.state.risk_timeline,
        "evidence": [],  # kept beside the record (SessionStore.evidence), added when the report is read
        "reviews": [r.model_dump() for r in record.reviews],
        "metadata": record.metadata,
        "policy": record.policy.model_dump(mode="json"),
        "summary": summary,
        "events": [e.model_dump(mode="json") for e in record.state.events],
        "risk": {"peak": summary["peak_risk"], "final": summary["final_risk"]},
        "verdict": summary["verdict"],
    }
