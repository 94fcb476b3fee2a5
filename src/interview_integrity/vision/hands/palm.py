"""MediaPipe's palm detector run directly with LiteRT, as blazeface.py runs BlazeFace.

The model ships in the mediapipe wheel (`modules/palm_detection/palm_detection_{lite,full}.tflite`,
Apache-2.0). Its graph (mediapipe/modules/palm_detection/palm_detection_cpu.pbtxt) letterboxes the frame into
192x192 with pixels in [0, 1], decodes 2016 SSD anchors (strides 8, 16, 16, 16; two fixed-size anchors per
cell and layer) into a box and 7 keypoints each (0 the wrist, 2 the middle finger's base), keeps scores of 0.5
and more and merges overlapping boxes by a score-weighted average. The same steps here, in numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.blazeface import AnchorModel, BlazeFaceSpec

LITE = BlazeFaceSpec("palm_detection/palm_detection_lite.tflite", 192, (8, 16), (2, 6))
FULL = BlazeFaceSpec("palm_detection/palm_detection_full.tflite", 192, (8, 16), (2, 6))
KEYPOINTS = 7
WRIST, MIDDLE_BASE = 0, 2
MIN_SCORE = 0.5  # the graph's own threshold


@dataclass(frozen=True)
class Palm:
    """One palm in frame pixels: its axis-aligned box, score and 7 keypoints ((7, 2), x then y)."""

    x: float
    y: float
    width: float
    height: float
    score: float
    keypoints: Array

    @property
    def wrist(self) -> tuple[float, float]:
        return float(self.keypoints[WRIST, 0]), float(self.keypoints[WRIST, 1])

    @property
    def middle_base(self) -> tuple[float, float]:
        return float(self.keypoints[MIDDLE_BASE, 0]), float(self.keypoints[MIDDLE_BASE, 1])


class PalmDetector(AnchorModel):
    """Palms of a whole RGB frame. Not thread-safe (one LiteRT interpreter): one per worker."""

    def __init__(self, spec: BlazeFaceSpec = LITE, min_score: float = MIN_SCORE) -> None:
        super().__init__(spec, min_score, keypoints=KEYPOINTS, pixels=(0.0, 1.0))  # pixels in [0, 1]

    def detect(self, rgb: Array) -> list[Palm]:
        """The palms of an RGB uint8 frame, best first, in the frame's pixels."""
        merged, letterbox = self._run(rgb)
        # input-relative -> frame pixels: undo the letterbox, then scale
        offset = letterbox.offset
        to_pixels = np.array([rgb.shape[1], rgb.shape[0]], np.float64) / letterbox.content
        palms = []
        for box, points, score in merged:
            (bx0, by0), (bx1, by1) = (box[:2] - offset) * to_pixels, (box[2:] - offset) * to_pixels
            palms.append(
                Palm(
                    x=float(bx0),
                    y=float(by0),
                    width=float(bx1 - bx0),
                    height=float(by1 - by0),
                    score=score,
                    keypoints=(points - offset) * to_pixels,
                )
            )
        return palms
