"""Measure the 8-bit activation ranges of SSDLite and YOLOv4-tiny again (their int8_calibration.json).

Run only when a model or the calibration frames change, then update the int8 files' sha256 in
vision/model_files.py. Frames: every dev image, and three frames each of eight honest videos and the two
desk videos in ../shared/data (73 frames); only the ranges are written, no image.

    .venv/bin/python scripts/calibrate_int8.py [../shared/data]
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from onnxruntime.quantization import CalibrationDataReader

from interview_integrity.config import VisionSettings
from interview_integrity.vision.model_files import sha256
from interview_integrity.vision.quantize import quantize
from interview_integrity.vision.ssdlite import prepare as ssdlite
from interview_integrity.vision.ssdlite.detector import SIZE
from interview_integrity.vision.video import sample_frames
from interview_integrity.vision.yolo import prepare as yolo_prepare

Array = np.ndarray


def calibration_frames(data: Path) -> list[Array]:
    frames = [cv2.imread(str(p)) for p in sorted([*data.glob("*.jpg"), *data.glob("*.png")])]
    videos = sorted((data / "honest").glob("*.mp4"))[:8]
    videos += [data / "vid_exam_hall_phone_on_desk.mp4", data / "vid_side_cam_notes_laptop.avi"]
    for video in videos:
        frames += [frame for _, frame in sample_frames(video, 0.5)][:3]
    return [frame for frame in frames if frame is not None]


def ssdlite_input(frame: Array) -> dict[str, Array]:
    rgb = cv2.cvtColor(cv2.resize(frame, (SIZE, SIZE)), cv2.COLOR_BGR2RGB)
    return {"Preprocessor/sub": (rgb.astype(np.float32) * (2.0 / 255.0) - 1.0).transpose(2, 0, 1)[None]}


def yolo_input(frame: Array) -> dict[str, Array]:
    size = yolo_prepare.INPUT_SIZE
    return {"input": cv2.dnn.blobFromImage(frame, 1 / 255.0, (size, size), swapRB=True, crop=False)}


class Frames(CalibrationDataReader):
    def __init__(self, frames: list[Array], to_input: Callable[[Array], dict[str, Array]]) -> None:
        self._inputs = (to_input(frame) for frame in frames)

    def get_next(self) -> dict[str, Array] | None:
        return next(self._inputs, None)


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    frames = calibration_frames(data)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        jobs = [
            (
                "ssdlite",
                ssdlite.prepare(VisionSettings().models_dir),
                ssdlite.CALIBRATION,
                ssdlite_input,
                "minmax",
            ),
            (
                "yolo",
                yolo_prepare.float_model(work / "yolo.onnx"),
                yolo_prepare.CALIBRATION,
                yolo_input,
                yolo_prepare.CALIBRATION_METHOD,
            ),
        ]
        for name, fp32, calibration, to_input, method in jobs:
            target = work / f"{name}.int8.onnx"
            quantize(fp32, target, calibration, Frames(frames, to_input), method)
            digest = sha256(target)
            print(f"{name}: {len(frames)} frames -> {calibration}; int8 sha256 {digest}")


if __name__ == "__main__":
    main()
