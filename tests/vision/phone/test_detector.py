"""The packaged phone detector behind the ObjectDetector protocol, and as `VISION__DETECTORS=...,phone`."""

from __future__ import annotations

import pytest

from interview_integrity.config import VisionSettings
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.model_files import EXPECTED_SHA256, sha256, verified
from interview_integrity.vision.phone.detector import MODEL_FILE, PACKAGED, PhoneDetector
from tests.conftest import load


def test_the_model_ships_in_the_package_and_is_checked() -> None:
    assert PACKAGED.stat().st_size < 10 * 1024 * 1024
    assert sha256(PACKAGED) == EXPECTED_SHA256[MODEL_FILE]
    assert verified(PACKAGED) == PACKAGED


def test_the_detector_returns_phone_boxes_inside_the_image() -> None:
    detector = PhoneDetector(PACKAGED)
    image = load("phone_rf_screen_shown.jpg")
    found = detector.detect(image)
    best = max(found, key=lambda o: o.confidence)
    bar = VisionSettings().phone_thresholds.cell_phone  # the operating point train-phone chose on valid
    assert best.label == "cell phone" and best.source == "phone" and best.confidence >= bar
    height, width = image.shape[:2]
    assert best.box.x >= 0 and best.box.x + best.box.width <= width + 1
    assert best.box.y >= 0 and best.box.y + best.box.height <= height + 1
    assert detector.detect(image) == found  # the same image, the same answer


@pytest.fixture(scope="module")
def with_ours() -> FrameAnalyzer:
    return FrameAnalyzer(
        VisionSettings(detectors=["ssdlite", "phone"], coco_phones_too=False, parallel_objects=False, second_look=False)
    )


def test_with_our_detector_phones_come_from_it_and_the_rest_from_coco(with_ours: FrameAnalyzer) -> None:
    assert with_ours.detector_names == ["ssdlite", "phone"]
    phones = [o for o in with_ours.analyze(load("phone_rf_boy_occluding.jpg"), 0.0).objects if o.label == "cell phone"]
    assert phones and all(o.source == "phone" for o in phones)
    # COCO still answers for the other classes: a laptop and a book
    labels = {o.label for o in with_ours.analyze(load("noface_empty_desk_laptop.jpg"), 0.0).objects}
    assert "laptop" in labels
