"""Replays through the real vision core: recorded videos and a sequence built from real images."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_integrity.analysis.engine import SessionState
from interview_integrity.analysis.policy import build_policy
from interview_integrity.service.replay import replay_frames, replay_video
from interview_integrity.vision.analyzer import FrameAnalyzer
from tests.conftest import load

pytestmark = pytest.mark.slow


def types(state: SessionState) -> set[str]:
    return {e.type for e in state.events}


def notable(state: SessionState) -> list[str]:
    return [f"{e.type} {e.severity}" for e in state.events if e.severity in ("medium", "high")]


def test_normal_webcam_ends_clear(analyzer: FrameAnalyzer, data_dir: Path) -> None:
    result = replay_video(data_dir / "vid_webcam_normal.mp4", analyzer, build_policy("standard"))
    assert result.summary.verdict == "clear"
    assert notable(result.state) == []


def test_eyes_only_glance_raises_gaze_away_in_6_to_10_s_under_the_strict_policy(
    analyzer: FrameAnalyzer, data_dir: Path
) -> None:
    """The irises move 19-24 degrees from the baseline for 4 s with the head still. The standard policy's
    25 degree bar keeps honest conversational glances (hon_franck_talking_face.mp4) clear and so lets
    this glance pass; the strict preset (18 degrees, 3 s) raises it."""
    video = data_dir / "vid_gaze_eyes_left.mp4"
    standard = replay_video(video, analyzer, build_policy("standard"))
    assert notable(standard.state) == []
    strict = replay_video(video, analyzer, build_policy("strict"))
    gaze = [e for e in strict.state.events if e.type == "gaze_away"]
    assert gaze, "no gaze_away event"
    assert all(e.started_at >= 5.0 for e in gaze)  # nothing in 0-5 s
    assert any(e.started_at < 10.0 and (e.ended_at or 99) > 6.0 for e in gaze)


def test_two_faces_raise_multiple_faces(analyzer: FrameAnalyzer, data_dir: Path) -> None:
    result = replay_video(data_dir / "vid_two_faces_books.mp4", analyzer, build_policy("standard"))
    assert "multiple_faces" in types(result.state)
    assert result.summary.verdict in ("review", "high_risk")


def test_a_side_camera_that_never_shows_the_candidate_needs_review(analyzer: FrameAnalyzer, data_dir: Path) -> None:
    # notes and a laptop under a side camera: the laptop there from the start is setup, the notes are paper
    # COCO does not see; what needs a person is that the candidate was never in view
    result = replay_video(data_dir / "vid_side_cam_notes_laptop.avi", analyzer, build_policy("standard"))
    assert result.summary.verdict == "review", result.summary.explanation
    [absent] = [e for e in result.state.events if e.type == "no_face"]
    assert absent.severity == "high" and absent.basis["face_seen_before"] is False
    assert "No face had been seen" in absent.measured


def test_phone_in_the_exam_hall_after_it_appears(analyzer: FrameAnalyzer, data_dir: Path) -> None:
    result = replay_video(data_dir / "vid_exam_hall_phone_on_desk.mp4", analyzer, build_policy("standard"))
    assert result.summary.verdict == "high_risk", result.summary.explanation
    phones = [e for e in result.state.events if e.type == "phone_detected"]
    assert phones and phones[0].started_at >= 3.0


def test_image_sequence_raises_no_face_then_multiple_faces(analyzer: FrameAnalyzer) -> None:
    one, none, two = load("face1_grace_hopper.jpg"), load("empty_chairs_office.jpg"), load("faces2_portraits.jpg")
    fps = 5
    frames = [(i / fps, one) for i in range(5 * fps)]
    frames += [(5 + i / fps, none) for i in range(5 * fps)]
    frames += [(10 + i / fps, two) for i in range(3 * fps)]
    result = replay_frames(frames, analyzer, build_policy("standard"))
    [no_face] = [e for e in result.state.events if e.type == "no_face"]
    [multiple] = [e for e in result.state.events if e.type == "multiple_faces"]
    assert no_face.started_at == pytest.approx(5.0) and no_face.ended_at == pytest.approx(9.8)
    assert multiple.started_at == pytest.approx(10.0) and multiple.duration_s >= 2.5
    assert result.summary.verdict in ("review", "high_risk")


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (Path(__file__).resolve().parents[2].parent / "shared" / "data" / "honest").glob("*.mp4")),
)
def test_honest_candidates_end_clear(analyzer: FrameAnalyzer, data_dir: Path, name: str) -> None:
    result = replay_video(data_dir / "honest" / name, analyzer, build_policy("standard"), fps=3)
    assert result.summary.verdict == "clear", result.summary.explanation
    assert notable(result.state) == []
