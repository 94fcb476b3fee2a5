"""The report's sound track: each stretch drawn at its time, its kind named, the seconds said; no audio said."""

from __future__ import annotations

import re
from typing import Any

from interview_integrity.report import render_report
from interview_integrity.report.chart import axis_of
from interview_integrity.report.sound import sound_track

SOUND = {"heard_s": 20.0, "speaking_s": 8.0, "other_voice_s": 4.0, "voice_s": 2.0, "silence_s": 6.0}
TRACK = [
    {"start": 10.0, "end": 18.0, "kind": "speaking"},
    {"start": 18.0, "end": 24.0, "kind": "silence"},
    {"start": 24.0, "end": 28.0, "kind": "other_voice"},
    {"start": 28.0, "end": 30.0, "kind": "voice"},
]


def report(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "stream": {"first_frame_at": 10.0, "last_frame_at": 40.0, "gaps": []},
        "events": [], "summary": {"sound": SOUND}, "sound_track": TRACK,
    }  # fmt: skip
    return {**base, **changes}


def test_each_stretch_is_drawn_where_it_happened() -> None:
    page = report()
    svg = sound_track(page, axis_of(page))
    drawn = re.findall(r'data-kind="(\w+)" data-start="([\d.]+)" data-end="([\d.]+)"', svg)
    assert drawn == [("speaking", "0.00", "8.00"), ("silence", "8.00", "14.00"), ("other_voice", "14.00", "18.00"),
                     ("voice", "18.00", "20.00")]  # fmt: skip
    assert "another voice 4 s" in svg and "No sound was kept" in svg
    assert 'class="no-audio"' in svg  # 20-30 s had no audio: the dashed background shows through


def test_a_session_without_audio_says_so() -> None:
    page = report(sound_track=[], summary={"sound": None})
    svg = sound_track(page, axis_of(page))
    assert "No audio was received: voices were not checked." in svg and 'class="sound ' not in svg


def test_the_reviewers_page_carries_the_track() -> None:
    full = {
        "session_id": "s1", "candidate_id": "c1", "status": "ended", "verdict": "clear", "reviews": [],
        "created_at": 1_796_500_000.0, "ended_at": 1_796_500_030.0, "metadata": {},
        "policy": {"name": "standard", "thresholds": {}, "disabled_rules": [], "risk_half_life_s": 120,
                   "review_score": 30, "high_risk_score": 70},
        "summary": {"sound": SOUND, "explanation": {}, "peak_risk": 0, "final_risk": 0}, "risk_timeline": [],
        **{k: v for k, v in report().items() if k != "summary"},
    }  # fmt: skip
    page = render_report(full)
    assert 'data-testid="sound-summary"' in page and "no sound is ever stored" in page
