"""The second look's candidates (pure functions) and the crop the verifier sees of each."""

from __future__ import annotations

import numpy as np
import pytest

from interview_integrity.vision.hands.regions import HandRegion
from interview_integrity.vision.phone.candidates import CAP, FLOOR, ear_regions, propose
from interview_integrity.vision.phone.crop import CONTEXT, SIZE, crop, crop_square, square
from interview_integrity.vision.signals import Box, DetectedObject


def _phone(x: float, score: float, label: str = "cell phone", source: str = "ssdlite") -> DetectedObject:
    return DetectedObject(
        label=label, confidence=score, box=Box(x=x, y=10, width=20, height=30), partial=False, source=source
    )


def _hand(cx: float, score: float) -> HandRegion:
    return HandRegion(cx=cx, cy=300, side=80, rotation=0.0, score=score)


FACE = Box(x=250, y=100, width=100, height=120)


def test_ears_sit_beside_the_face_below_its_middle() -> None:
    left, right = ear_regions(FACE)
    assert left.center[0] < FACE.x < FACE.x + FACE.width < right.center[0]
    assert left.center[1] == right.center[1] > FACE.center[1]
    assert left.width == left.height == FACE.height


def test_weak_detector_boxes_cannot_crowd_out_the_hands_and_ears() -> None:
    objects = [_phone(20 + 45 * i, 0.9 - 0.05 * i) for i in range(12)]
    found = propose(objects, [_hand(100, 0.8), _hand(500, 0.9)], [FACE], 640, 480)
    assert len(found) == CAP
    assert [c.kind for c in found] == ["detector"] * 3 + ["hand"] * 2 + ["ear"] * 2 + ["detector"]
    assert [c.score for c in found[:3]] == pytest.approx([0.9, 0.85, 0.8])  # surest first
    assert found[3].score == 0.9 and found[3].box.center[0] == pytest.approx(500)


def test_only_phone_boxes_at_the_floor_count_and_repeats_are_dropped() -> None:
    objects = [_phone(20, 0.5), _phone(21, 0.4, source="phone"), _phone(200, FLOOR - 0.01), _phone(400, 0.3, "book")]
    found = propose(objects, [], [], 640, 480)
    assert [(c.kind, c.score) for c in found] == [("detector", 0.5)]


def test_regions_are_clipped_to_the_frame_and_tiny_remains_dropped() -> None:
    face = Box(x=-40, y=100, width=100, height=120)  # cut by the frame's left edge: its left ear is outside
    found = propose([], [], [face], 640, 480)
    assert [c.source for c in found] == ["ear-right"]
    assert found[0].box.x >= 0
    assert propose([], [], [Box(x=-200, y=100, width=100, height=120)], 640, 480) == []


def test_the_crop_is_a_square_with_context_from_the_original_frame() -> None:
    frame = np.zeros((480, 640, 3), np.uint8)
    frame[200:260, 300:330] = 255  # a white "phone" 30 x 60
    box = Box(x=300, y=200, width=30, height=60)
    x0, y0, side = square(box, CONTEXT["detector"], 640, 480)
    assert side == 120 and (x0, y0) == (255, 170)
    assert square(Box(x=0, y=440, width=30, height=40), CONTEXT["detector"], 640, 480) == (0, 400, 80)  # moved in
    view = crop(frame, box, "detector")
    assert view.shape == (SIZE, SIZE, 3)
    assert view[SIZE // 2, SIZE // 2].tolist() == [255, 255, 255]
    assert view[2, 2].tolist() == [0, 0, 0]
    outside = crop_square(np.full((480, 640, 3), 200, np.uint8), -50, -50, 100)  # a square larger than the frame
    assert outside[10, 10].tolist() == [0, 0, 0] and outside[-10, -10].tolist() == [200, 200, 200]
