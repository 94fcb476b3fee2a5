"""The 8-bit YOLOv4-tiny file: converted from the wheel's Darknet files and quantized, once, at install."""

from __future__ import annotations

from pathlib import Path

import onnx

from interview_integrity.vision.model_files import yolo_file
from interview_integrity.vision.quantize import Method, prepare_quantized
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
    return prepare_quantized(
        model_path(models_dir),
        lambda work: float_model(work / "yolov4-tiny.onnx"),
        CALIBRATION,
        YoloPrepareError,
        CALIBRATION_METHOD,
    )
