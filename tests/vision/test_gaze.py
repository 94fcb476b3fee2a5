from __future__ import annotations

import math
from pathlib import Path

import pytest

from interview_integrity.config import VisionSettings
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.gaze import classify, eye_rotation_deg, gaze_yaw_deg
from interview_integrity.vision.video import sample_frames
from tests.conftest import load


def test_yaw_sign_follows_image_directions(analyzer: FrameAnalyzer) -> None:
    left = analyzer.analyze(load("pose_profile_left.jpg"), 0.0).head_pose
    right = analyzer.analyze(load("pose_turn_right.jpg"), 0.0).head_pose
    frontal = analyzer.analyze(load("face1_frontal_aflw2k.jpg"), 0.0).head_pose
    assert left is not None and right is not None and frontal is not None
    assert left.yaw > 40  # AFLW2000: yaw 68, toward image-left
    assert right.yaw < -15  # AFLW2000: yaw -28, toward image-right
    assert abs(frontal.yaw) < 20 and abs(frontal.roll) < 15  # never the mirrored solution (roll ~180)


def test_head_down_has_negative_pitch(analyzer: FrameAnalyzer) -> None:
    pose = analyzer.analyze(load("pose_head_down.jpg"), 0.0).head_pose
    assert pose is not None and pose.pitch < -15


@pytest.mark.parametrize(
    ("name", "direction"),
    [
        ("face1_grace_hopper.jpg", "center"),
        ("face1_obama_portrait.jpg", "center"),
        ("face1_average_male.jpg", "center"),
        ("pose_profile_left.jpg", "left"),
        ("pose_head_down.jpg", "down"),
        ("laptop_user_looking_down.jpg", "down"),
        ("phone_rf_texting_down.jpg", "down"),
    ],
)
def test_gaze_direction_on_stills(analyzer: FrameAnalyzer, name: str, direction: str) -> None:
    gaze = analyzer.analyze(load(name), 0.0).gaze
    assert gaze.direction == direction
    assert 0.5 <= gaze.confidence <= 1
    assert gaze.left_eye is not None and gaze.right_eye is not None


def test_raw_eye_numbers_are_exposed_for_calibration(analyzer: FrameAnalyzer) -> None:
    gaze = analyzer.analyze(load("face1_grace_hopper.jpg"), 0.0).gaze
    assert gaze.left_eye is not None and gaze.right_eye is not None
    assert 0.3 < (gaze.left_eye.iris_x + gaze.right_eye.iris_x) / 2 < 0.7
    assert 0.15 < gaze.left_eye.openness < 0.5
    assert gaze.horizontal_deg is not None and gaze.vertical_deg is not None


def test_no_face_and_dark_frames_say_unknown_with_a_reason(analyzer: FrameAnalyzer) -> None:
    empty = analyzer.analyze(load("noface_coffee.png"), 0.0).gaze
    assert (empty.direction, empty.reason) == ("unknown", "no face")
    dark = analyzer.analyze(load("lowlight_desk_at_camera.jpg"), 0.0)
    assert dark.faces.count == 1  # presence is still judged on a brightened copy
    assert dark.gaze.direction == "unknown"
    assert dark.gaze.reason is not None and "dark" in dark.gaze.reason


@pytest.mark.slow
def test_eyes_only_glance_in_video(analyzer: FrameAnalyzer, data_dir: Path) -> None:
    """vid_gaze_eyes_left.mp4: head still, irises move at 6-10 s.

    The frames, decoded upright with the file's rotation tag (a pure 90 degree rotation, no mirror),
    show the irises toward IMAGE-RIGHT during 6-10 s, although the manifest says image-left (the
    file is named center_right_center: the subject's right, so the phone recorded a mirrored selfie).
    We report what the upright frames show, in image directions.
    """
    early, glance = [], []
    for timestamp, frame in sample_frames(data_dir / "vid_gaze_eyes_left.mp4", fps=2):
        direction = analyzer.analyze(frame, timestamp).gaze.direction
        if timestamp <= 5.0:
            early.append(direction)
        elif 6.0 <= timestamp <= 10.0:
            glance.append(direction)
    assert early.count("center") >= len(early) - 1
    assert glance.count("right") >= len(glance) - 1


def test_classify_boundaries() -> None:
    settings = VisionSettings()
    assert classify(0, 0, settings, {}).direction == "center"
    assert classify(settings.gaze_horizontal_deg + 5, 0, settings, {}).direction == "left"
    assert classify(-settings.gaze_horizontal_deg - 5, 0, settings, {}).direction == "right"
    assert classify(0, -settings.gaze_down_deg - 5, settings, {}).direction == "down"
    assert classify(0, settings.gaze_up_deg + 5, settings, {}).direction == "up"
    assert eye_rotation_deg(0.35) == pytest.approx(90)
    assert eye_rotation_deg(-0.175) == pytest.approx(-30)


def test_gaze_yaw_counts_the_head_turn_the_eye_corners_do_not_show() -> None:
    assert gaze_yaw_deg(0.0, 0.175) == pytest.approx(30)  # head still: the eye's own turn
    assert gaze_yaw_deg(30.0, 0.0) == pytest.approx(math.degrees(math.asin(0.6 * 0.5)))  # 17.5, not 30
    assert gaze_yaw_deg(-30.0, 0.0) == pytest.approx(-gaze_yaw_deg(30.0, 0.0))
    assert gaze_yaw_deg(30.0, 0.1) > gaze_yaw_deg(30.0, 0.0) > gaze_yaw_deg(30.0, -0.1)
    assert gaze_yaw_deg(10.0, 0.4) == pytest.approx(90)  # clipped, never a math error


def test_lowered_lids_under_a_bowed_head_read_down_not_closed(analyzer: FrameAnalyzer, data_dir: Path) -> None:
    """vid_exam_hall_phone_on_desk.mp4: students writing; their lids nearly shut over the paper."""
    frames = dict(sample_frames(data_dir / "vid_exam_hall_phone_on_desk.mp4", fps=1))
    gaze = analyzer.analyze(frames[3.0], 3.0).gaze
    assert gaze.direction == "down"
    assert gaze.reason is not None and "head alone" in gaze.reason
    assert gaze.confidence < 0.9
