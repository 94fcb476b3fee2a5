"""Issue 31's voice clips, assembled with ffmpeg from ../shared/data and replayed at 5 fps with their sound:
another voice over a listener is found within 2 s of its onset on every clip; no honest sound raises a voice."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_integrity.evaluation.voices import VoiceReport, evaluate_voices
from interview_integrity.vision.analyzer import FrameAnalyzer
from tests.conftest import DATA

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(analyzer: FrameAnalyzer, tmp_path_factory: pytest.TempPathFactory) -> VoiceReport:
    return evaluate_voices([DATA, DATA / "honest"], analyzer, Path(tmp_path_factory.mktemp("voices")))


def test_the_set_is_what_the_issue_asks_for(report: VoiceReport) -> None:
    assert len(report.of("foreign")) >= 6 and len(report.of("talker")) >= 3 and len(report.of("quiet_room")) == 1
    assert {h.clip.path.name for h in report.of("talker")} >= {"hon_hdtf_katie.mp4", "hon_fi_vlog_close_woman.mp4"}


def test_another_voice_is_found_within_two_seconds_of_its_onset(report: VoiceReport) -> None:
    for heard in report.of("foreign"):
        assert heard.found, f"{heard.clip.name}: {[(e.type, e.started_at) for e in heard.events]}"
        assert all(e.started_at >= heard.clip.onset - 2.0 for e in heard.voices)  # type: ignore[operator]


def test_no_voice_event_on_honest_sound(report: VoiceReport) -> None:
    for heard in report.of("talker", "still", "honest", "quiet_room"):
        assert heard.voices == [], f"{heard.clip.name}: {[(e.type, e.started_at) for e in heard.voices]}"
        assert heard.heard_s > 5
    for talker in report.of("talker"):  # the exam policy hears the candidate's own speech as theirs
        assert any(e.type == "speaking" for e in talker.events), talker.clip.name
    lines = report.lines()
    assert any("within 2 s: " in line for line in lines) and any("per honest hour" in line for line in lines)
