"""The voice rules on recorded per-step numbers (no model): whose voice, when it is an event, when to abstain."""

from __future__ import annotations

import itertools

import pytest

from interview_integrity.analysis.engine import SessionAnalyzer, SessionState
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import build_policy
from interview_integrity.analysis.rules.base import rule_state
from interview_integrity.analysis.rules.voice import Heard, Voice, add_to_track
from interview_integrity.audio.signals import STEP_S, Lips, SoundWindow

STILL, MOVING, A_LITTLE = 0.002, 0.03, 0.008


def windows(start: float, seconds: float, speech: bool, activity: float | None, reason: str = "") -> list[SoundWindow]:
    count = round(seconds / STEP_S)
    lips = Lips(activity=activity, frames=6 if activity is not None else 0, reason=reason or None)
    return [
        SoundWindow(start=start + i * STEP_S, end=start + (i + 1) * STEP_S, heard_s=STEP_S,
                    speech_s=STEP_S * 0.9 if speech else 0.0, lips=lips)
        for i in range(count)
    ]  # fmt: skip


def hear(policy: str, *parts: list[SoundWindow]) -> tuple[SessionState, list[Event]]:
    engine, state = SessionAnalyzer(build_policy(policy)), SessionState()
    changed = [e for part in parts for e in engine.hear(state, part)]
    engine.finish(state)
    return state, changed


def of_type(state: SessionState, kind: str) -> list[Event]:
    return [e for e in state.events if e.type == kind]


def test_speech_beside_still_lips_for_two_seconds_is_another_voice_from_its_onset() -> None:
    state, changed = hear(
        "standard", windows(0, 3, False, STILL), windows(3, 1.75, True, STILL), windows(4.75, 0.5, True, STILL)
    )
    [event] = of_type(state, "other_voice")
    assert event.started_at == pytest.approx(3.0) and event.severity == "medium" and event.category == "sound"
    assert event in changed and event.ended_at == pytest.approx(5.0)
    assert "lips stayed still" in event.message
    assert event.basis["lip_activity"] == pytest.approx(STILL) and event.basis["still_below"] == 0.006
    assert "still is under 0.006" in event.measured and "95%" not in event.measured


def test_shorter_is_a_cough_not_a_voice() -> None:
    state, _ = hear("standard", windows(0, 1.75, True, STILL), windows(1.75, 3, False, STILL))
    assert of_type(state, "other_voice") == []


def test_the_candidates_own_speech_raises_nothing_in_an_interview_and_speaking_in_an_exam() -> None:
    talk = windows(0, 6, True, MOVING)
    state, _ = hear("standard", talk)
    assert state.events == []
    exam, _ = hear("exam", talk)
    [speaking] = of_type(exam, "speaking")
    assert speaking.started_at == 0.0 and speaking.severity == "low" and of_type(exam, "other_voice") == []
    long, _ = hear("exam", windows(0, 25, True, MOVING))
    assert of_type(long, "speaking")[0].severity == "medium"


def test_lips_that_cannot_be_read_abstain_never_guess() -> None:
    state, _ = hear("exam", windows(0, 10, True, None, reason="face turned too far to read the lips"))
    assert state.events == []
    heard = rule_state(state, Voice.name, Heard)
    assert heard.track == [(0.0, 10.0, "voice")] and heard.seconds == {"voice": 10.0}


def test_lips_moving_a_little_are_not_still() -> None:
    state, _ = hear("standard", windows(0, 6, True, A_LITTLE))
    assert state.events == []


def test_scattered_still_moments_in_speech_do_not_add_up_to_a_voice() -> None:
    talk = [w for i in range(12) for w in windows(i * 0.5, 0.5, True, STILL if i % 2 else MOVING)]
    state, _ = hear("standard", talk)
    assert of_type(state, "other_voice") == []


def test_a_voice_that_lasts_or_comes_back_is_high() -> None:
    lasting, _ = hear("standard", windows(0, 12, True, STILL))
    assert of_type(lasting, "other_voice")[0].severity == "high"
    twice, _ = hear("standard", windows(0, 3, True, STILL), windows(3, 6, False, STILL), windows(9, 3, True, STILL))
    first, second = of_type(twice, "other_voice")
    assert first.severity == "medium" and second.severity == "high"


def test_short_pauses_between_words_stay_in_one_event_and_one_run() -> None:
    speech = windows(0, 2, True, STILL) + windows(2, 0.5, False, STILL) + windows(2.5, 2, True, STILL)
    state, _ = hear("standard", speech)
    [event] = of_type(state, "other_voice")
    assert event.started_at == 0.0 and event.ended_at == pytest.approx(4.25)
    assert rule_state(state, Voice.name, Heard).track == [(0.0, 4.5, "other_voice")]


def test_the_summary_tells_what_was_heard_and_nothing_when_nothing_was() -> None:
    state, _ = hear("standard", windows(0, 2, True, MOVING), windows(2, 1, False, STILL))
    engine = SessionAnalyzer(build_policy("standard"))
    sound = engine.summary(state).sound
    assert sound is not None and sound.heard_s == pytest.approx(3.0)
    assert (sound.speaking_s, sound.silence_s, sound.other_voice_s, sound.voice_s) == (2.0, 1.0, 0.0, 0.0)
    assert engine.summary(SessionState()).sound is None


def test_other_voice_can_be_switched_off() -> None:
    engine, state = SessionAnalyzer(build_policy({"disabled_rules": ["other_voice"]})), SessionState()
    engine.hear(state, windows(0, 5, True, STILL))
    assert state.events == [] and rule_state(state, Voice.name, Heard).seconds == {"other_voice": 5.0}


def test_the_track_stays_small() -> None:
    track: list[tuple[float, float, str]] = []
    for i in range(2_000):
        add_to_track(track, i * 1.5, i * 1.5 + 1.5, "speaking" if i % 2 else "silence")  # type: ignore[arg-type]
    assert len(track) <= 400 and track[0][0] == 0.0 and track[-1][1] == pytest.approx(3_000.0)
    assert all(a[1] == pytest.approx(b[0]) for a, b in itertools.pairwise(track))
