"""Whose voice: `other_voice` (speech while the candidate's lips are still), `speaking` (the candidate's own
speech, an event only where the policy asks for silence), and the session's sound track.

This rule reads sound, not frames: each `SoundWindow` (audio/lipsync.py) is a quarter second with how much
of it was speech and how the candidate's lips moved around it. Speech beside visibly still lips is someone
else's voice; beside moving lips it is the candidate's; beside lips that move a little (neither still nor
speaking) it is neither, and beside lips that cannot be read (no face, too small, turned, too dark) the rule
abstains: it never guesses whose voice it was. The track the report draws keeps what each moment was
(`speaking`, `other_voice`, `voice` for speech it could not attribute, `silence`); moments without sound are
`no audio` by their absence.
"""

from __future__ import annotations

import statistics
from typing import Literal

from pydantic import BaseModel, Field

from interview_integrity.analysis.policy import Policy
from interview_integrity.analysis.state import SessionState
from interview_integrity.analysis.timeline import Condition, Timeline
from interview_integrity.audio.signals import SoundWindow

SoundKind = Literal["speaking", "other_voice", "voice", "silence"]
SOUND_KINDS: tuple[SoundKind, ...] = ("speaking", "other_voice", "voice", "silence")
_SHORT_RUN_S = 1.0  # a run shorter than this between two of one kind is a pause between words: it joins them
_MAX_RUNS = 400  # the track stays small: beyond this, its shortest runs join their neighbours
_OWN_KEPT = 80  # the candidate's own speaking moments kept, for "measured against"


class Heard(BaseModel):
    """The session's sound: the track, seconds of each kind, and the candidate's own lips when speaking."""

    track: list[tuple[float, float, SoundKind]] = Field(default_factory=list)
    seconds: dict[str, float] = Field(default_factory=dict)
    heard_s: float = 0.0
    own_activity: list[float] = Field(default_factory=list, description="Lip activity of candidate speech.")
    streak_lips: list[float] = Field(default_factory=list, description="Lip activity of the open voice streak.")
    streak_speech: list[float] = Field(default_factory=list, description="Speech shares of the open voice streak.")
    streak_frames: list[int] = Field(default_factory=list, description="Lip frames around each of its moments.")


def kind_of(window: SoundWindow, policy: Policy) -> SoundKind:
    t = policy.thresholds
    if window.heard_s <= 0 or window.speech_s / window.heard_s < t.speech_share:
        return "silence"
    activity = window.lips.activity
    if activity is None:
        return "voice"
    if activity < t.lips_still:
        return "other_voice"
    return "speaking" if activity >= t.lips_moving else "voice"


def add_to_track(track: list[tuple[float, float, SoundKind]], start: float, end: float, kind: SoundKind) -> None:
    if track and track[-1][2] == kind and start - track[-1][1] < 1e-6 + 0.5:
        track[-1] = (track[-1][0], end, kind)
    elif (
        len(track) >= 2
        and track[-2][2] == kind
        and track[-1][1] - track[-1][0] < _SHORT_RUN_S
        and start - track[-1][1] < 1e-6
    ):
        track[-2:] = [(track[-2][0], end, kind)]
    else:
        track.append((start, end, kind))
    while len(track) > _MAX_RUNS:
        shortest = min(range(1, len(track) - 1), key=lambda i: track[i][1] - track[i][0])
        before = track[shortest - 1]
        track[shortest - 1 : shortest + 1] = [(before[0], track[shortest][1], before[2])]


class Voice:
    name = "voice"

    def hear(self, window: SoundWindow, session: SessionState, timeline: Timeline) -> None:
        policy = timeline.policy
        t = policy.thresholds
        heard = Heard.model_validate(session.rules.get(self.name, {}))
        kind = kind_of(window, policy)
        add_to_track(heard.track, window.start, window.end, kind)
        heard.seconds[kind] = round(heard.seconds.get(kind, 0.0) + (window.end - window.start), 2)
        heard.heard_s = round(heard.heard_s + window.heard_s, 2)
        activity = window.lips.activity
        share = window.speech_s / window.heard_s if window.heard_s > 0 else 0.0
        if kind == "speaking" and activity is not None:
            heard.own_activity = [*heard.own_activity, round(activity, 4)][-_OWN_KEPT:]
        if kind == "other_voice" and activity is not None:
            heard.streak_lips = [*heard.streak_lips, round(activity, 4)][-_OWN_KEPT:]
            heard.streak_speech = [*heard.streak_speech, round(share, 3)][-_OWN_KEPT:]
            heard.streak_frames = [*heard.streak_frames, window.lips.frames][-_OWN_KEPT:]
        # another voice: speech beside visibly still lips. Speech beside lips that move, even a little, ends it at
        # once (that voice may be the candidate's); a pause between words ends it only once it lasts; speech
        # beside lips that cannot be read says nothing either way (abstain)
        unread = kind == "voice" and activity is None
        other: Condition = None if unread else kind == "other_voice"
        lips_moved = kind in ("speaking", "voice") and not unread
        # the candidate speaking: speech beside moving lips, against silence or speech beside still lips
        speaking: Condition = None if unread else kind == "speaking"
        earlier = sum(e.type == "other_voice" and e.ended_at is not None for e in session.events)
        timeline.sustain(
            "other_voice",
            other,
            minimum=t.other_voice_s,
            confidence=round(0.5 + 0.4 * share, 3),
            severity=lambda duration: "high" if duration >= t.other_voice_high_s or earlier > 0 else "medium",
            detail="speech while the candidate's lips were still",
            basis=_other_basis(heard, window, policy) if other else None,
            broken_by_one=lips_moved,
        )
        streak = session.streaks.get("other_voice")
        if streak is None or streak.since is None:
            heard.streak_lips, heard.streak_speech, heard.streak_frames = [], [], []
        if policy.enabled("speaking"):
            timeline.sustain(
                "speaking",
                speaking,
                minimum=t.speaking_s,
                confidence=round(0.5 + 0.4 * share, 3),
                severity=lambda duration: "medium" if duration >= t.speaking_medium_s else "low",
                detail="the candidate's lips moved with the speech",
                basis=_speaking_basis(heard, share, window, policy) if speaking else None,
            )
        session.rules[self.name] = heard.model_dump(mode="json")


def _other_basis(heard: Heard, window: SoundWindow, policy: Policy) -> dict[str, object]:
    t = policy.thresholds
    own = statistics.median(heard.own_activity) if heard.own_activity else None
    return {
        "speech_share": round(statistics.fmean(heard.streak_speech), 3) if heard.streak_speech else 0.0,
        "heard_s": round(len(heard.streak_speech) * (window.end - window.start), 2),
        "lip_activity": max(heard.streak_lips, default=0.0),
        "lip_statistic": "at the most",
        "lip_frames": round(statistics.median(heard.streak_frames)) if heard.streak_frames else 0,
        "still_below": t.lips_still,
        "moving_from": t.lips_moving,
        **({"candidate_speaking_activity": round(own, 4)} if own is not None else {}),
    }


def _speaking_basis(heard: Heard, share: float, window: SoundWindow, policy: Policy) -> dict[str, object]:
    t = policy.thresholds
    own = statistics.median(heard.own_activity) if heard.own_activity else 0.0
    return {
        "speech_share": round(share, 3),
        "heard_s": round(heard.seconds.get("speaking", 0.0), 2),
        "lip_activity": round(own, 4),
        "lip_statistic": "typically",
        "lip_frames": window.lips.frames,
        "still_below": t.lips_still,
        "moving_from": t.lips_moving,
    }
