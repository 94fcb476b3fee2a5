from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from interview_integrity.config import VisionSettings
from interview_integrity.vision.model_files import EXPECTED_SHA256, verified
from interview_integrity.vision.ssdlite.detector import SsdLiteDetector
from interview_integrity.vision.ssdlite.prepare import MODEL_FILE, model_path, prepare
from tests.conftest import load


@pytest.fixture(scope="module")
def installed() -> Path:
    """`make install` prepared it; the test fails (not skips) when it is missing."""
    return verified(model_path(VisionSettings().models_dir))


def test_installed_model_matches_its_recorded_sha256(installed: Path) -> None:
    assert installed.name == MODEL_FILE and MODEL_FILE in EXPECTED_SHA256


def test_prepare_reuses_a_verified_file_and_replaces_a_corrupt_one(installed: Path, tmp_path: Path) -> None:
    shutil.copy(installed, tmp_path / MODEL_FILE)
    assert prepare(tmp_path) == tmp_path / MODEL_FILE  # verified, nothing fetched
    (tmp_path / MODEL_FILE).write_bytes(b"corrupt")
    assert verified.__wrapped__(prepare(tmp_path)) == tmp_path / MODEL_FILE  # fetched and converted again


def test_converted_graph_outputs_and_anchors(installed: Path) -> None:
    session = ort.InferenceSession(str(installed), providers=["CPUExecutionProvider"])
    boxes, scores, anchors = session.run(None, {"Preprocessor/sub": np.zeros((1, 3, 300, 300), np.float32)})
    assert boxes.shape == (1, 1917, 1, 4) and scores.shape == (1, 1917, 91) and anchors.shape == (1917, 4)
    assert (anchors[:, 2] > anchors[:, 0]).all()  # corners: ymin < ymax


def test_detector_finds_phone_book_and_laptop(installed: Path) -> None:
    detector = SsdLiteDetector(installed)
    best = {
        o.label: o.confidence
        for o in sorted(detector.detect(load("phone_rf_screen_shown.jpg")), key=lambda o: o.confidence)
    }
    assert best["cell phone"] > 0.9
    assert max(o.confidence for o in detector.detect(load("obj_book_only.jpg")) if o.label == "book") > 0.8
    assert max(o.confidence for o in detector.detect(load("obj_laptop_closed.jpg")) if o.label == "laptop") > 0.9
    assert [o for o in detector.detect(load("noface_coffee.png")) if o.confidence > 0.3] == []
