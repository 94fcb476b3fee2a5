"""Sound waits for its lips: a step is judged once frames have come past it, beside the lips around it; where
the lips cannot be read it says why."""

from __future__ import annotations

import pytest

from interview_integrity.audio import lipsync
from interview_integrity.audio.signals import STEP_S, Heard, LipSync
from interview_integrity.vision.signals import Mouth


def frames(sync: LipSync, start: float, end: float, fps: float, opening: object, reason: str | None = None) -> None:
    t = start
    while t < end - 1e-9:
        value = opening(t) if callable(opening) else opening
        mouth = Mouth(opening=value, reason=None if value is not None else reason)
        lipsync.see(sync, round(t, 3), mouth, heard=True)
        t += 1 / fps


def speech(seconds: float, start: float = 0.0) -> list[Heard]:
    first = round(start / STEP_S)
    return [Heard(index=first + i, heard_s=STEP_S, speech_s=STEP_S) for i in range(round(seconds / STEP_S))]


def test_a_step_waits_until_frames_have_come_a_second_past_it() -> None:
    sync = LipSync()
    lipsync.hear(sync, speech(2.0))
    frames(sync, 0, 2.0, 5, 0.02)
    settled = lipsync.settle(sync, seen_until=1.8, heard_until=2.0)
    assert [w.start for w in settled] == [0.0, 0.25, 0.5]  # ends at or before 1.8 - 1.0
    assert sync.judged_until == 3 and len(sync.steps) == 5
    assert all(w.lips.activity == pytest.approx(0.0) and w.lips.frames >= 3 for w in settled)


def test_sound_not_yet_complete_waits_even_with_frames_far_ahead() -> None:
    sync = LipSync()
    lipsync.hear(sync, [Heard(index=0, heard_s=0.1, speech_s=0.1)])
    frames(sync, 0, 3, 5, 0.02)
    assert lipsync.settle(sync, seen_until=3.0, heard_until=0.1) == []
    lipsync.hear(sync, [Heard(index=0, heard_s=0.15, speech_s=0.15)])  # the rest of the step, in the next chunk
    [window] = lipsync.settle(sync, seen_until=3.0, heard_until=0.25)
    assert window.heard_s == pytest.approx(0.25)


def test_moving_lips_show_as_activity() -> None:
    sync = LipSync()
    lipsync.hear(sync, speech(2.0))
    frames(sync, 0, 3.2, 10, lambda t: 0.05 + 0.04 * ((round(t * 10) % 3) - 1))
    windows = lipsync.settle(sync, seen_until=3.1, heard_until=2.0)
    assert len(windows) == 8 and all(w.lips.activity is not None and w.lips.activity > 0.02 for w in windows)


def test_unreadable_lips_say_why() -> None:
    sync = LipSync()
    lipsync.hear(sync, speech(1.0))
    frames(sync, 0, 2.5, 5, None, reason="face turned too far to read the lips")
    windows = lipsync.settle(sync, seen_until=2.4, heard_until=1.0)
    assert windows and all(w.lips.activity is None for w in windows)
    assert windows[0].lips.reason == "face turned too far to read the lips"


def test_at_two_frames_a_second_the_window_widens_and_at_one_in_two_seconds_there_are_too_few() -> None:
    sync = LipSync()
    lipsync.hear(sync, speech(1.0, start=2.0))
    frames(sync, 0, 5, 2, 0.02)
    assert all(w.lips.activity is not None for w in lipsync.settle(sync, seen_until=5.0, heard_until=3.0))
    sparse = LipSync()
    lipsync.hear(sparse, speech(1.0, start=2.0))
    frames(sparse, 0, 5, 0.5, 0.02)
    windows = lipsync.settle(sparse, seen_until=5.0, heard_until=3.0)
    assert all(w.lips.activity is None and "too few frames" in (w.lips.reason or "") for w in windows)


def test_the_end_settles_everything_and_sound_without_frames_is_not_kept_for_ever() -> None:
    sync = LipSync()
    lipsync.hear(sync, speech(1.0))
    [*windows] = lipsync.settle(sync, seen_until=None, heard_until=1.0, final=True)
    assert len(windows) == 4 and windows[0].lips.reason == "no frames around this moment"
    late = LipSync()
    lipsync.hear(late, speech(1.0))
    lipsync.hear(late, speech(1.0, start=40.0))
    assert len(lipsync.settle(late, seen_until=None, heard_until=41.0)) == 4  # 30 s without a frame: judged
    assert len(late.steps) == 4


def test_frames_lips_are_kept_a_few_seconds_before_any_sound_then_longer() -> None:
    sync = LipSync()
    for i in range(100):
        lipsync.see(sync, i / 5, Mouth(opening=0.02), heard=False)
    assert sync.mouths[0][0] >= 19.8 - lipsync.PREROLL_S
    for i in range(100, 200):
        lipsync.see(sync, i / 5, Mouth(opening=0.02), heard=True)
    assert sync.mouths[0][0] == pytest.approx(39.8 - lipsync.KEEP_S, abs=0.2)


def test_a_step_already_judged_is_not_judged_again() -> None:
    sync = LipSync()
    lipsync.hear(sync, speech(0.5))
    frames(sync, 0, 2, 5, 0.02)
    assert len(lipsync.settle(sync, seen_until=2.0, heard_until=0.5)) == 2
    lipsync.hear(sync, speech(0.5))
    assert sync.steps == []
