from __future__ import annotations

import hashlib
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest

from interview_integrity.config import VisionSettings
from interview_integrity.vision.model_files import EXPECTED_SHA256, verified, yolo_file
from interview_integrity.vision.objects import YoloV4TinyDetector
from interview_integrity.vision.quantize import quantize
from interview_integrity.vision.yolo.convert import heads
from interview_integrity.vision.yolo.detector import YoloInt8Detector, decode
from interview_integrity.vision.yolo.prepare import (
    CALIBRATION,
    CALIBRATION_METHOD,
    INPUT_SIZE,
    INT8_FILE,
    float_model,
    model_path,
)
from tests.conftest import load
from tests.vision.detections import EXACT_INT8, assert_same_clear_finds


@pytest.fixture(scope="module")
def float_onnx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return float_model(tmp_path_factory.mktemp("yolo") / "yolov4-tiny.onnx")


@pytest.mark.parametrize("name", ["phone_rf_texting_down.jpg", "faces3_office_books.jpg", "noface_coffee.png"])
def test_converted_graph_and_decoder_give_opencvs_rows(float_onnx: Path, name: str) -> None:
    """The float ONNX graph plus `decode` reproduce OpenCV DNN's Darknet run, row for row."""
    blob = cv2.dnn.blobFromImage(load(name), 1 / 255.0, (INPUT_SIZE, INPUT_SIZE), swapRB=True, crop=False)
    net = cv2.dnn.readNetFromDarknet(str(yolo_file("yolov4-tiny.cfg")), str(yolo_file("yolov4-tiny.weights")))
    net.setInput(blob)
    expected = np.vstack(net.forward(net.getUnconnectedOutLayersNames()))
    yolo_heads = heads(yolo_file("yolov4-tiny.cfg"))
    session = ort.InferenceSession(str(float_onnx), providers=["CPUExecutionProvider"])
    rows = decode(session.run([h.output for h in yolo_heads], {"input": blob}), yolo_heads, INPUT_SIZE)
    assert rows.shape == expected.shape == (2535, 85)
    assert np.abs(rows - expected).max() < 1e-3


def test_quantizing_again_gives_the_recorded_file(float_onnx: Path, tmp_path: Path) -> None:
    target = tmp_path / INT8_FILE
    quantize(float_onnx, target, CALIBRATION, method=CALIBRATION_METHOD)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == EXPECTED_SHA256[INT8_FILE]


@EXACT_INT8
@pytest.mark.parametrize(
    "name", ["phone_rf_texting_down.jpg", "phone_three_friends.jpg", "faces3_office_books.jpg", "noface_coffee.png"]
)
def test_int8_finds_what_the_float_model_finds(name: str) -> None:
    """`make install` prepared the 8-bit file; the test fails (not skips) when it is missing."""
    int8 = YoloInt8Detector(verified(model_path(VisionSettings().models_dir)))
    image = load(name)
    found, reference = int8.detect(image), YoloV4TinyDetector(INPUT_SIZE).detect(image)
    assert_same_clear_finds(name, found, reference, score_tolerance=0.25)  # 8 bits move a score by up to ~0.2
