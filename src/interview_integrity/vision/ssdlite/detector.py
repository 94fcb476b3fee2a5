"""SSDLite-MobileNetV2 (COCO) through onnxruntime: the converted network plus SSD decoding and NMS in numpy.

Input: the frame stretched (not letterboxed) to 300x300 RGB, scaled to [-1, 1], as the model was trained.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.objects import touches_border
from interview_integrity.vision.onnx_session import one_thread_session
from interview_integrity.vision.signals import Box, DetectedObject
from interview_integrity.vision.ssd import center_form, decode, nms, pixel_boxes

SIZE = 300
# COCO category id -> the label we report (the model's class index is the COCO id; 0 is background)
COCO_IDS = {
    1: "person",
    77: "cell phone",
    84: "book",
    73: "laptop",
    72: "tv",
    75: "remote",
    76: "keyboard",
    74: "mouse",
}
_FLOOR = 0.05
_NMS_IOU = 0.5


class SsdLiteDetector:
    """Not thread-safe by design: each worker thread has its own (see FrameAnalyzer)."""

    name = "ssdlite"
    relative_cost = 1.0
    heavy = False
    one_class = False

    def __init__(self, model_path: Path) -> None:
        self._session = one_thread_session(model_path)
        self._input = self._session.get_inputs()[0].name
        anchors = self._session.run(["anchors_out"], {self._input: np.zeros((1, 3, SIZE, SIZE), np.float32)})[0]
        self._anchors = center_form(anchors)
        self._classes = np.array(sorted(COCO_IDS))

    def detect(self, bgr: Array) -> list[DetectedObject]:
        height, width = bgr.shape[:2]
        rgb = cv2.cvtColor(cv2.resize(bgr, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR), cv2.COLOR_BGR2RGB)
        tensor = (rgb.astype(np.float32) * (2.0 / 255.0) - 1.0).transpose(2, 0, 1)[None]
        encodings, logits = self._session.run(["concat", "concat_1"], {self._input: tensor})
        scores = 1.0 / (1.0 + np.exp(-logits[0][:, self._classes]))
        keep = (scores >= _FLOOR).any(axis=1)
        if not keep.any():
            return []
        boxes = decode(encodings[0, :, 0, :][keep], self._anchors[keep])
        scores = scores[keep]
        found: list[DetectedObject] = []
        for column, coco_id in enumerate(self._classes):
            mask = scores[:, column] >= _FLOOR
            found += detected_objects(
                pixel_boxes(boxes[mask], width, height),
                scores[mask, column],
                COCO_IDS[int(coco_id)],
                self.name,
                width,
                height,
            )
        return found


def detected_objects(
    rects: Array, scores: Array, label: str, source: str, width: int, height: int
) -> list[DetectedObject]:
    """The boxes of one class that survive NMS, as DetectedObjects."""
    found = []
    for i in nms(rects, scores, _FLOOR, _NMS_IOU):
        x, y, w, h = (float(v) for v in rects[i])
        box = Box(x=x, y=y, width=w, height=h)
        found.append(
            DetectedObject(
                label=label,
                confidence=round(float(scores[i]), 4),
                box=box,
                partial=touches_border(box, width, height),
                source=source,
            )
        )
    return found
