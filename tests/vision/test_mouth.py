"""The lips from the face mesh on real frames: a talking head's opening moves, a listener's does not, and lips
that cannot be read say why."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.stream import FrameStream
from interview_integrity.vision.video import sample_frames
from tests.conftest import DATA, load


def openings(analyzer: FrameAnalyzer, name: str, seconds: float = 4.0) -> list[float | None]:
    stream = FrameStream(analyzer, identity=False)
    found = []
    for t, frame in sample_frames(DATA / name, 5.0):
        if t > seconds:
            break
        mouth = stream.analyze(frame, t).mouth
        assert mouth is not None
        found.append(mouth.opening)
    return found


def test_a_talking_heads_lips_move_and_a_listeners_stay_still(analyzer: FrameAnalyzer) -> None:
    talking = openings(analyzer, "honest/hon_hdtf_katie.mp4")
    listening = openings(analyzer, "vid_gaze_center.mp4")
    assert None not in talking + listening
    assert float(np.std([o or 0.0 for o in talking])) > 0.02
    assert float(np.std([o or 0.0 for o in listening])) < 0.004
    assert float(np.median([o or 0.0 for o in listening])) < 0.03  # closed lips


def test_a_wide_open_mouth_reads_wide(analyzer: FrameAnalyzer) -> None:
    yawn = [o for o in openings(analyzer, "honest/hon_lp_yawn.mp4", 5.0) if o is not None]
    assert max(yawn) > 0.3


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        ("noface_coffee.png", "no face"),
        ("pose_profile_left.jpg", "face turned too far to read the lips"),
        ("lowlight_desk_at_camera.jpg", "too dark"),
    ],
)
def test_lips_that_cannot_be_read_say_why(analyzer: FrameAnalyzer, image: str, reason: str) -> None:
    mouth = analyzer.analyze(load(image), 0.0).mouth
    assert mouth is not None and mouth.opening is None
    assert reason in (mouth.reason or "")


def test_a_face_too_small_for_its_lips(analyzer: FrameAnalyzer) -> None:
    """Grace Hopper's portrait shrunk into the corner of a 640x480 frame: the face is found, its lips are a
    few pixels high."""
    canvas = np.full((480, 640, 3), 120, np.uint8)
    small = cv2.resize(load("face1_grace_hopper.jpg"), None, fx=0.18, fy=0.18, interpolation=cv2.INTER_AREA)
    canvas[50 : 50 + small.shape[0], 50 : 50 + small.shape[1]] = small
    signals = analyzer.analyze(canvas, 0.0)
    assert signals.faces.count == 1
    assert signals.mouth is not None and signals.mouth.opening is None
    assert signals.mouth.reason == "face too small to read the lips"
