"""Measure SSDLite's 8-bit activation ranges again (vision/ssdlite/int8_calibration.json).

Run only when the model or the calibration frames change; then update the int8 file's sha256 in
vision/model_files.py. Frames: every dev image and three frames each of eight honest videos and the
two desk videos in ../shared/data (73 frames); only the ranges are written, no image.

    .venv/bin/python scripts/calibrate_ssdlite.py [../shared/data]
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
from onnxruntime.quantization import CalibrationDataReader

from interview_integrity.config import VisionSettings
from interview_integrity.vision.ssdlite.detector import SIZE
from interview_integrity.vision.ssdlite.prepare import prepare
from interview_integrity.vision.ssdlite.quantize import CALIBRATION, quantize
from interview_integrity.vision.video import sample_frames

INPUT = "Preprocessor/sub"


def calibration_frames(data: Path) -> list[np.ndarray]:
    frames = [cv2.imread(str(p)) for p in sorted([*data.glob("*.jpg"), *data.glob("*.png")])]
    videos = sorted((data / "honest").glob("*.mp4"))[:8]
    videos += [data / "vid_exam_hall_phone_on_desk.mp4", data / "vid_side_cam_notes_laptop.avi"]
    for video in videos:
        frames += [frame for _, frame in sample_frames(video, 0.5)][:3]
    return [frame for frame in frames if frame is not None]


class Frames(CalibrationDataReader):
    def __init__(self, frames: list[np.ndarray]) -> None:
        self._frames = iter(frames)

    def get_next(self) -> dict[str, np.ndarray] | None:
        frame = next(self._frames, None)
        if frame is None:
            return None
        rgb = cv2.cvtColor(cv2.resize(frame, (SIZE, SIZE)), cv2.COLOR_BGR2RGB)
        return {INPUT: (rgb.astype(np.float32) * (2.0 / 255.0) - 1.0).transpose(2, 0, 1)[None]}


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    frames = calibration_frames(data)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "int8.onnx"
        quantize(prepare(VisionSettings().models_dir), target, CALIBRATION, Frames(frames))
        print(f"{len(frames)} frames -> {CALIBRATION}; int8 sha256 {hashlib.sha256(target.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
