"""MediaPipe's palm detector run by us (vision/hands/): hands where there are hands, none where there are none,
the same palms as MediaPipe's own graph, and MediaPipe's hand square around each."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from mediapipe.python.solution_base import SolutionBase

from interview_integrity.vision.hands.palm import LITE, Palm, PalmDetector
from interview_integrity.vision.hands.regions import SCALE, hand_region
from interview_integrity.vision.signals import Box
from tests.conftest import DATA, load

HANDS = DATA / "train" / "hands_no_phone" / "images"
_GRAPH = "mediapipe/modules/hand_landmark/hand_landmark_tracking_cpu.binarypb"


@pytest.fixture(scope="module")
def palms() -> PalmDetector:
    return PalmDetector()


def _rgb(path: str) -> np.ndarray:
    return cv2.cvtColor(load(path), cv2.COLOR_BGR2RGB)


@pytest.mark.parametrize(
    ("name", "count", "inside"),
    [
        # signing with both hands before the chest (one woman, a webcam at home)
        ("train/hands_no_phone/images/hand_gestures_rf100/a_100_jpg.jpg", 2, (169, 135)),
        # one hand close up, forming a letter
        ("train/hands_no_phone/images/asl_letters/A11_jpg.jpg", 1, (215, 235)),
        # a hand holding a phone to the ear
        ("phone_rf_call_yellow.jpg", 1, (220, 445)),
        # arms crossed in a portrait: the hand that lies on the other arm
        ("face1_obama_portrait.jpg", 1, (620, 868)),
    ],
)
def test_the_palms_of_the_hands_in_view_are_found(palms: PalmDetector, name: str, count: int, inside: tuple) -> None:
    found = palms.detect(_rgb(name))
    assert len(found) == count
    assert any(Box(x=p.x, y=p.y, width=p.width, height=p.height).contains(*inside) for p in found)
    assert all(p.score >= 0.5 and p.keypoints.shape == (7, 2) for p in found)


@pytest.mark.parametrize("name", ["face1_grace_hopper.jpg", "face1_average_male.jpg", "noface_coffee.png"])
def test_no_palm_on_images_without_hands(palms: PalmDetector, name: str) -> None:
    assert palms.detect(_rgb(name)) == []


@pytest.mark.parametrize(
    "name",
    [
        "train/hands_no_phone/images/hand_gestures_rf100/a_100_jpg.jpg",
        "train/hands_no_phone/images/asl_letters/A0_jpg.jpg",
        "phone_three_friends.jpg",
    ],
)
def test_the_same_palms_as_mediapipes_own_graph(palms: PalmDetector, name: str) -> None:
    """The graph (lite models: model_complexity 0) resamples on its own: boxes agree closely (a few pixels on a
    60-pixel palm), scores within 0.1."""
    rgb = _rgb(name)
    height, width = rgb.shape[:2]
    graph = SolutionBase(
        binary_graph_path=_GRAPH,
        side_inputs={"model_complexity": 0, "num_hands": 10, "use_prev_landmarks": False},
        calculator_params={"palmdetectioncpu__TensorsToDetectionsCalculator.min_score_thresh": 0.5},
        outputs=["palm_detections"],
    )
    theirs = graph.process({"image": rgb}).palm_detections or []
    graph.close()
    ours = palms.detect(rgb)
    assert len(ours) == len(theirs) > 0
    for detection in theirs:
        box = detection.location_data.relative_bounding_box
        expected = Box(x=box.xmin * width, y=box.ymin * height, width=box.width * width, height=box.height * height)
        best = max(ours, key=lambda p: expected.iou(Box(x=p.x, y=p.y, width=p.width, height=p.height)))
        assert expected.iou(Box(x=best.x, y=best.y, width=best.width, height=best.height)) > 0.65
        assert best.score == pytest.approx(detection.score[0], abs=0.1)


def _palm(wrist: tuple[float, float], middle: tuple[float, float]) -> Palm:
    keypoints = np.zeros((7, 2))
    keypoints[0], keypoints[2] = wrist, middle
    return Palm(x=100, y=100, width=40, height=40, score=0.9, keypoints=keypoints)


def test_the_hand_square_points_from_the_wrist_to_the_fingers() -> None:
    """MediaPipe's hand ROI: half a palm toward the fingers, 2.6 palms wide, turned with the hand."""
    up = hand_region(_palm((120, 140), (120, 105)))  # fingers up
    assert up.rotation == pytest.approx(0.0)
    assert (up.cx, up.cy) == pytest.approx((120, 100))
    assert up.side == pytest.approx(40 * SCALE)
    assert up.bounds().width == pytest.approx(40 * SCALE)
    right = hand_region(_palm((100, 120), (135, 120)))  # fingers to the image's right
    assert right.rotation == pytest.approx(math.pi / 2)
    assert (right.cx, right.cy) == pytest.approx((140, 120))
    tilted = hand_region(_palm((100, 140), (140, 100)))  # 45 degrees: the square's bounds are wider
    assert tilted.bounds().width == pytest.approx(40 * SCALE * math.sqrt(2))


def test_the_lite_model_is_the_default_and_its_file_is_pinned() -> None:
    from interview_integrity.vision.model_files import EXPECTED_SHA256, mediapipe_file

    assert LITE.model.endswith("palm_detection_lite.tflite")
    assert mediapipe_file(LITE.model).name in EXPECTED_SHA256
