"""The project's phone detector, trained by `interview-integrity train-phone` (docs/MODELS.md).

The same network and box coder as the COCO SSDLite (vision/ssdlite/), one class: its input is the frame
stretched to 300x300 RGB in [-1, 1], its output a box encoding and a phone logit per anchor.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.onnx_session import one_thread_session
from interview_integrity.vision.signals import DetectedObject
from interview_integrity.vision.ssd import center_form, decode, pixel_boxes
from interview_integrity.vision.ssdlite.detector import SIZE, detected_objects

MODEL_FILE = "phone_ssdlite.onnx"
PACKAGED = Path(__file__).with_name(MODEL_FILE)
_FLOOR = 0.05


class PhoneDetector:
    """Not thread-safe by design: each worker thread has its own (see FrameAnalyzer)."""

    name = "phone"
    relative_cost = 1.0
    heavy = False
    one_class = True

    def __init__(self, model_path: Path) -> None:
        self._session = one_thread_session(model_path)
        self._input = self._session.get_inputs()[0].name
        corners = self._session.run(["anchors_out"], {self._input: np.zeros((1, 3, SIZE, SIZE), np.float32)})[0]
        self._anchors = center_form(corners)

    def scores(self, bgr: Array) -> tuple[Array, Array]:
        """(boxes (ymin, xmin, ymax, xmax) normalised, phone scores) of every anchor."""
        rgb = cv2.cvtColor(cv2.resize(bgr, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR), cv2.COLOR_BGR2RGB)
        tensor = (rgb.astype(np.float32) * (2.0 / 255.0) - 1.0).transpose(2, 0, 1)[None]
        encodings, logits = self._session.run(["concat", "concat_1"], {self._input: tensor})
        scores: Array = 1.0 / (1.0 + np.exp(-logits[0, :, 0]))
        return decode(encodings[0, :, 0, :], self._anchors), scores

    def detect(self, bgr: Array) -> list[DetectedObject]:
        height, width = bgr.shape[:2]
        boxes, scores = self.scores(bgr)
        keep = scores >= _FLOOR
        return detected_objects(
            pixel_boxes(boxes[keep], width, height), scores[keep], "cell phone", self.name, width, height
        )
