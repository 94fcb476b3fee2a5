"""Same person all session, without an ID photo: `identity_changed`.

The candidate is enrolled from the session's first seconds: up to `MAX_TEMPLATES` face embeddings (vision
embeds the primary face twice a second while enrolling, every 2 s after) from frames with one face turned
less than `ENROL_YAW_DEG`, each kept only when it adds something (another expression, other light). After
that, every embedding of a frame with one face is compared with the nearest template; the condition is a
distance beyond `identity_distance` (dlib's 0.6), and `identity_changed` (high) needs it for
`identity_mismatch_s` on end, so one doubtful frame (a hand over the face, motion blur) does not raise it.
A matching embedding that differs from every template is added while there is room, so the templates
follow the light of the session.

A reference photo (start-session or POST /sessions/{id}/reference-photo) is compared the same way: the live
face far from it for as long also raises `identity_changed`, with that reason.

The templates and the reference are biometric data: they live only in this rule's state, inside the
session, and are dropped when the session ends (`forget`); no report, answer or log shows them
(docs/PRIVACY_AND_FAIRNESS.md).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from interview_integrity.analysis.measures import embedding_distance as distance
from interview_integrity.analysis.rules.base import Frame, rule_state
from interview_integrity.analysis.state import SessionState
from interview_integrity.analysis.timeline import Condition, Timeline, fixed

MAX_TEMPLATES = 6
ENROL_YAW_DEG = 25.0
MIN_TEMPLATES = 3
NEW_TEMPLATE_DISTANCE = 0.25  # a matching embedding this far from every template covers something new


class Identity(BaseModel):
    templates: list[list[float]] = Field(default_factory=list)
    enrol_started: float | None = None
    enrolled: bool = False
    reference: list[float] | None = None
    mismatched_checks: int = 0
    last_distance: float | None = None


class IdentityRule:
    name = "identity"

    def forget(self, session: SessionState) -> None:
        """The templates and the reference are biometric: nothing after the session's end needs them."""
        state = rule_state(session, self.name, Identity)
        state.templates, state.reference = [], None
        session.rules[self.name] = state.model_dump(mode="json")

    def observe(self, frame: Frame, timeline: Timeline) -> None:
        if not frame.policy.enabled("identity_changed"):
            return
        state = frame.state(self.name, Identity)
        seen = frame.signals.identity
        t = frame.policy.thresholds
        condition: Condition = None
        reason = ""
        if seen is not None and seen.faces == 1:
            if state.enrolled:
                condition, reason = self._check(state, seen.vector, t.identity_distance)
            else:
                self._enrol(state, seen.vector, seen.yaw, frame.now, t.identity_enrol_s)
        detail = "" if state.last_distance is None else f"distance {state.last_distance:.2f} {reason}".strip()
        timeline.sustain(
            "identity_changed",
            condition,
            minimum=t.identity_mismatch_s,
            confidence=0.9,
            severity=fixed("high"),
            detail=detail,
            basis=None
            if state.last_distance is None or not condition
            else {
                "distance": round(state.last_distance, 3),
                "threshold": t.identity_distance,
                "checks": state.mismatched_checks,
            },
        )

    @staticmethod
    def _enrol(state: Identity, vector: list[float], yaw: float, now: float, enrol_s: float) -> None:
        if abs(yaw) > ENROL_YAW_DEG:
            return
        state.enrol_started = now if state.enrol_started is None else state.enrol_started
        if all(distance(vector, kept) > 0.05 for kept in state.templates) and len(state.templates) < MAX_TEMPLATES:
            state.templates.append(vector)
        if len(state.templates) >= MIN_TEMPLATES and now - state.enrol_started >= enrol_s:
            state.enrolled = True

    @staticmethod
    def _check(state: Identity, vector: list[float], threshold: float) -> tuple[bool, str]:
        """(whether this face is not the candidate, the reason)."""
        nearest = min(distance(vector, kept) for kept in state.templates)
        from_reference = distance(vector, state.reference) if state.reference is not None else 0.0
        if nearest > threshold:
            state.last_distance, reason = nearest, "from the face enrolled at the start"
        elif from_reference > threshold:
            state.last_distance, reason = from_reference, "from the reference photo"
        else:
            state.last_distance, reason = nearest, ""
        mismatch = bool(reason)
        state.mismatched_checks = state.mismatched_checks + 1 if mismatch else 0
        if not mismatch and nearest > NEW_TEMPLATE_DISTANCE and len(state.templates) < MAX_TEMPLATES:
            state.templates.append(vector)
        return mismatch, reason


def set_reference(session_rules: dict[str, dict[str, object]], vector: list[float]) -> None:
    """Keep a reference photo's embedding with the session (POST /sessions/{id}/reference-photo)."""
    state = Identity.model_validate(session_rules.get(IdentityRule.name, {}))
    state.reference = vector
    session_rules[IdentityRule.name] = state.model_dump(mode="json")
