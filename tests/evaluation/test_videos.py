"""Honest clips and their less frontal variants replayed as sessions: none may be flagged."""

from __future__ import annotations

import pytest

from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import build_policy
from interview_integrity.evaluation.variants import transformed, variants
from interview_integrity.evaluation.videos import ClipResult, VideoReport, is_honest
from interview_integrity.service.replay import replay_frames
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.video import sample_frames
from tests.conftest import DATA

HONEST = DATA / "honest"
VARIANT_CLIPS = [
    "hon_webcam_interview_woman.mp4",  # a laptop webcam, darker skin
    "hon_cap_beard_man.mp4",  # headwear, beard, darker skin
    "hon_window_woman.mp4",  # backlight
    "hon_webcam_blink_man.mp4",  # a low-quality webcam, eyes closing
]


def test_a_clip_is_honest_when_its_manifest_marks_nothing_or_says_so() -> None:
    row = {"file": "a.mp4", "faces": "1", "phone": "no", "book": "no", "laptop": "no", "other_person": "no"}
    assert is_honest(row)
    assert not is_honest({**row, "phone": "yes"}) and not is_honest({**row, "faces": "2"})
    assert is_honest({**row, "phone": "yes", "honest": "yes"}) and not is_honest({**row, "honest": "no"})


def test_the_report_counts_medium_and_high_events_per_honest_hour() -> None:
    glance = Event(type="gaze_away", category="attention", severity="medium", confidence=0.8, started_at=3.0)
    report = VideoReport(
        [
            ClipResult("a.mp4", True, 1800.0, "clear", []),
            ClipResult("b.mp4", True, 1800.0, "review", [glance]),
            ClipResult("c.mp4", False, 10.0, "review", [glance]),
        ]
    )
    assert report.honest_hours == 1.0 and report.honest_flags == 1
    assert str(report.share_clear).startswith("1/2 = 50.0%")
    assert "1.0 per honest hour" in report.lines()[-1]


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["side", "off_centre", "tilted", "dim", "monitor"])
def test_less_frontal_variants_of_honest_clips_stay_clear(analyzer: FrameAnalyzer, variant: str) -> None:
    transform = variants(DATA)[variant]
    flagged: list[str] = []
    for name in VARIANT_CLIPS:
        result = replay_frames(
            transformed(sample_frames(HONEST / name, 5.0), transform), analyzer, build_policy("standard")
        )
        notable = [f"{e.type} {e.severity}" for e in result.state.events if e.severity in ("medium", "high")]
        if notable or result.summary.verdict != "clear":
            flagged.append(f"{name}: {result.summary.verdict} {notable}")
    assert flagged == []


@pytest.mark.slow
def test_the_pasted_monitor_is_taken_as_setup(analyzer: FrameAnalyzer) -> None:
    frames = transformed(sample_frames(HONEST / "hon_webcam_interview_woman.mp4", 5.0), variants(DATA)["monitor"])
    result = replay_frames(frames, analyzer, build_policy("standard"))
    check = result.summary.check.model_dump()
    assert any("laptop" in item or "screen" in item for item in check["setup"]), check  # type: ignore[index]
    assert not [e for e in result.state.events if e.type == "device_detected"]
