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
_SCALE_XY, _SCALE_WH = 10.0, 5.0  # the TF object detection API's box coder scale factors


class SsdLiteDetector:
    """Not thread-safe by design: each worker thread has its own (see FrameAnalyzer)."""

    name = "ssdlite"
    relative_cost = 1.0

    def __init__(self, model_path: Path) -> None:
        self._session = one_thread_session(model_path)
        self._input = self._session.get_inputs()[0].name
        anchors = self._session.run(["anchors_out"], {self._input: np.zeros((1, 3, SIZE, SIZE), np.float32)})[0]
        heights, widths = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
        self._anchors = np.stack([anchors[:, 0] + heights / 2, anchors[:, 1] + widths / 2, heights, widths], axis=1)
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
        boxes = self._decode(encodings[0, :, 0, :][keep], self._anchors[keep])
        scores = scores[keep]
        found: list[DetectedObject] = []
        for column, coco_id in enumerate(self._classes):
            mask = scores[:, column] >= _FLOOR
            if not mask.any():
                continue
            ymin, xmin, ymax, xmax = (np.clip(boxes[mask, i], 0, 1) for i in range(4))
            rects = np.stack([xmin * width, ymin * height, (xmax - xmin) * width, (ymax - ymin) * height], axis=1)
            chosen = cv2.dnn.NMSBoxes(rects.tolist(), scores[mask, column].tolist(), _FLOOR, _NMS_IOU)
            for i in np.array(chosen).reshape(-1):
                x, y, w, h = (float(v) for v in rects[i])
                box = Box(x=x, y=y, width=w, height=h)
                found.append(
                    DetectedObject(
                        label=COCO_IDS[int(coco_id)],
                        confidence=round(float(scores[mask, column][i]), 4),
                        box=box,
                        partial=touches_border(box, width, height),
                        source=self.name,
                    )
                )
        return found

    @staticmethod
    def _decode(encodings: Array, anchors: Array) -> Array:
        """(ymin, xmin, ymax, xmax), normalised, from box encodings relative to (yc, xc, h, w) anchors."""
        yc = encodings[:, 0] / _SCALE_XY * anchors[:, 2] + anchors[:, 0]
        xc = encodings[:, 1] / _SCALE_XY * anchors[:, 3] + anchors[:, 1]
        h = np.exp(encodings[:, 2] / _SCALE_WH) * anchors[:, 2]
        w = np.exp(encodings[:, 3] / _SCALE_WH) * anchors[:, 3]
        decoded: Array = np.stack([yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2], axis=1)
        return decoded
