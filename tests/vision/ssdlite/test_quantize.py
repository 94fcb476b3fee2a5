from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from interview_integrity.config import VisionSettings
from interview_integrity.vision.model_files import EXPECTED_SHA256, verified
from interview_integrity.vision.quantize import quantize
from interview_integrity.vision.ssdlite.detector import SsdLiteDetector
from interview_integrity.vision.ssdlite.prepare import CALIBRATION, INT8_FILE, model_path
from tests.conftest import load
from tests.vision.detections import EXACT_INT8, assert_same_clear_finds


@pytest.fixture(scope="module")
def detectors() -> tuple[SsdLiteDetector, SsdLiteDetector]:
    """`make install` prepared both; the tests fail (not skip) when either is missing."""
    models = VisionSettings().models_dir
    return SsdLiteDetector(verified(model_path(models, "fp32"))), SsdLiteDetector(verified(model_path(models, "int8")))


def test_quantizing_again_gives_the_recorded_file(tmp_path: Path) -> None:
    target = tmp_path / INT8_FILE
    quantize(verified(model_path(VisionSettings().models_dir, "fp32")), target, CALIBRATION)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == EXPECTED_SHA256[INT8_FILE]


@EXACT_INT8
@pytest.mark.parametrize(
    "name",
    [
        "phone_rf_screen_shown.jpg",
        "phone_rf_texting_down.jpg",
        "obj_book_only.jpg",
        "obj_laptop_closed.jpg",
        "noface_coffee.png",
        "noface_empty_desk_laptop.jpg",
        "mug_not_phone_webcam.png",
    ],
)
def test_int8_finds_what_fp32_finds(detectors: tuple[SsdLiteDetector, SsdLiteDetector], name: str) -> None:
    image = load(name)
    fp32, int8 = (d.detect(image) for d in detectors)  # every candidate, before the class thresholds
    assert_same_clear_finds(name, int8, fp32, score_tolerance=0.15)
