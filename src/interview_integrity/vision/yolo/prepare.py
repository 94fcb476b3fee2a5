"""The 8-bit YOLOv4-tiny file: converted from the wheel's Darknet files and quantized, once, at install."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import onnx

from interview_integrity.vision.model_files import EXPECTED_SHA256, verified, yolo_file
from interview_integrity.vision.quantize import Method, quantize
from interview_integrity.vision.yolo.convert import convert

INPUT_SIZE = 416  # the size the ranges were measured at; other sizes run the float model in OpenCV
INT8_FILE = "yolov4-tiny.int8.onnx"
CALIBRATION = Path(__file__).with_name("int8_calibration.json")
CALIBRATION_METHOD: Method = "percentile"  # see vision/quantize.py


class YoloPrepareError(RuntimeError):
    pass


def model_path(models_dir: Path) -> Path:
    return models_dir / INT8_FILE


def float_model(target: Path) -> Path:
    """Write the float ONNX graph (the quantizer's input) to `target`."""
    model, _ = convert(yolo_file("yolov4-tiny.cfg"), yolo_file("yolov4-tiny.weights"), INPUT_SIZE)
    onnx.save(model, target)
    return target


def prepare_int8(models_dir: Path) -> Path:
    target = model_path(models_dir)
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == EXPECTED_SHA256[INT8_FILE]:
        return target
    with tempfile.TemporaryDirectory(prefix="ii-yolo-") as tmp:
        quantized = Path(tmp) / INT8_FILE
        try:
            quantize(float_model(Path(tmp) / "yolov4-tiny.onnx"), quantized, CALIBRATION, method=CALIBRATION_METHOD)
        except (ValueError, OSError, RuntimeError) as error:
            raise YoloPrepareError(f"converting YOLOv4-tiny to 8 bits failed: {error}") from error
        digest = hashlib.sha256(quantized.read_bytes()).hexdigest()
        if digest != EXPECTED_SHA256[INT8_FILE]:
            raise YoloPrepareError(f"the 8-bit YOLO model has sha256 {digest}, expected {EXPECTED_SHA256[INT8_FILE]}")
        models_dir.mkdir(parents=True, exist_ok=True)
        shutil.move(str(quantized), target)
    return verified(target)
