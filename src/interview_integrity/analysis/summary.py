"""A session in numbers: what was watched, what was seen, the verdict and why."""

from __future__ import annotations

from pydantic import BaseModel, Field

from interview_integrity.analysis.check import SessionCheck, session_check
from interview_integrity.analysis.coverage import Coverage, measure, watched
from interview_integrity.analysis.policy import Policy
from interview_integrity.analysis.rules.base import rule_state
from interview_integrity.analysis.rules.calibration import Baseline, Calibration
from interview_integrity.analysis.rules.camera import Camera, CameraRule
from interview_integrity.analysis.rules.identity import Identity, IdentityRule
from interview_integrity.analysis.rules.voice import SOUND_KINDS, Heard, Voice
from interview_integrity.analysis.scoring import Explanation, Verdict, current_risk, explanation
from interview_integrity.analysis.state import SessionState


class IdentityCheck(BaseModel):
    """Whether the identity check ran; never the embeddings themselves."""

    checked: bool = Field(description="The policy has the identity check on.")
    enrolled: bool = Field(description="The candidate's face was enrolled from the session's first seconds.")
    reference_photo: bool = Field(description="A reference photo was given for the session.")


class SoundSummary(BaseModel):
    """What was heard, in seconds of the session's clock; never the sound itself."""

    heard_s: float = Field(description="Seconds of audio received.")
    speaking_s: float = Field(description="Speech with the candidate's lips moving: the candidate.")
    other_voice_s: float = Field(description="Speech while the candidate's lips were still: another voice.")
    voice_s: float = Field(description="Speech whose speaker could not be told (the lips could not be read).")
    silence_s: float = Field(description="No speech.")


class Summary(BaseModel):
    duration_s: float = Field(description="Seconds of stream time with frames (pauses count up to 2 s).")
    frames_analyzed: int
    coverage: Coverage = Field(description="How much of the session was watched, why the rest was not, and the "
                               "frames the service refused.")  # fmt: skip
    share_with_face: float | None = Field(description="Share of that time with a face in view.")
    share_looking_at_screen: float | None = Field(description="Share of the time gaze could be judged, at the screen.")
    calibrated: bool = Field(description="The candidate's resting gaze and head pose are known.")
    check: SessionCheck
    cameras: list[str] = Field(description="The cameras the browser reported, in order.")
    identity: IdentityCheck
    sound: SoundSummary | None = Field(description="What was heard; null when no audio was received.")
    events_by_type: dict[str, int]
    peak_risk: float
    final_risk: float
    verdict: Verdict
    explanation: Explanation


def summarize(state: SessionState, policy: Policy, now: float) -> Summary:
    stats = state.stats
    by_type: dict[str, int] = {}
    for event in state.events:
        by_type[event.type] = by_type.get(event.type, 0) + 1
    coverage = measure(state, policy)
    enough = watched(coverage)
    risk = current_risk(state.risk, state.events, policy, now, enough)
    identity = rule_state(state, IdentityRule.name, Identity)
    heard = rule_state(state, Voice.name, Heard)
    sound = (
        SoundSummary(heard_s=heard.heard_s, **{f"{kind}_s": heard.seconds.get(kind, 0.0) for kind in SOUND_KINDS})
        if heard.seconds
        else None
    )
    return Summary(
        duration_s=round(stats.seconds, 2),
        frames_analyzed=state.frames,
        coverage=coverage,
        share_with_face=round(stats.seconds_with_face / stats.seconds, 3) if stats.seconds else None,
        share_looking_at_screen=(
            round(stats.seconds_looking_at_screen / stats.seconds_gaze_known, 3) if stats.seconds_gaze_known else None
        ),
        calibrated=rule_state(state, Calibration.name, Baseline).complete,
        check=session_check(state, policy),
        cameras=rule_state(state, CameraRule.name, Camera).cameras,
        identity=IdentityCheck(
            checked=policy.enabled("identity_changed"),
            enrolled=identity.enrolled,
            reference_photo=identity.reference is not None,
        ),
        sound=sound,
        events_by_type=by_type,
        peak_risk=round(state.risk.peak, 1),
        final_risk=risk.score,
        verdict=risk.verdict,
        explanation=explanation(state.risk, state.events, policy, enough),
    )
