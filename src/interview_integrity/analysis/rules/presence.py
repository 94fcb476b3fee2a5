"""Is the candidate there, and can the camera be judged at all: `camera_blocked`, `no_face`, `multiple_faces`."""

from __future__ import annotations

from pydantic import BaseModel

from interview_integrity.analysis.rules.base import Frame
from interview_integrity.analysis.timeline import Timeline, fixed


class Seen(BaseModel):
    face_seen: bool = False


class Presence:
    name = "presence"

    def observe(self, frame: Frame, timeline: Timeline) -> None:
        t, signals = frame.policy.thresholds, frame.signals
        usable = signals.quality.usable
        seen = frame.state(self.name, Seen)
        # a session whose camera has never shown the candidate cannot be vouched for by the machine (a side
        # camera on the desk, a camera turned away): a person must look, so its absence is high sooner
        never_seen = not seen.face_seen
        seen.face_seen = seen.face_seen or (usable and signals.faces.count >= 1)
        timeline.sustain(
            "camera_blocked",
            not usable,
            minimum=t.camera_blocked_s,
            confidence=0.9,
            severity=fixed("low"),
            detail="; ".join(signals.quality.issues),
            basis={"issues": signals.quality.issues, "brightness": round(signals.quality.brightness, 1)},
        )
        # an unusable frame cannot tell whether the candidate left: abstain rather than accuse
        timeline.sustain(
            "no_face",
            None if not usable else signals.faces.count == 0,
            minimum=t.no_face_s,
            confidence=0.9,
            severity=lambda duration: (
                "high" if duration >= 10 * t.no_face_s or (never_seen and duration >= t.never_seen_s) else "medium"
            ),
            detail="the face was never seen in this session" if never_seen else "",
            basis={"faces": 0, "minimum_s": t.no_face_s, "face_seen_before": not never_seen},
        )
        timeline.sustain(
            "multiple_faces",
            signals.faces.count >= 2,
            minimum=t.multiple_faces_s,
            confidence=min((f.confidence for f in signals.faces.boxes[:2]), default=0.0),
            severity=fixed("high"),
            detail=f"{signals.faces.count} faces",
            basis={
                "faces": signals.faces.count,
                "face_scores": [round(f.confidence, 2) for f in signals.faces.boxes[:4]],
                "minimum_s": t.multiple_faces_s,
            },
        )
