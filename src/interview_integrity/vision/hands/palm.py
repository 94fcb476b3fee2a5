"""MediaPipe's palm detector run directly with LiteRT, as blazeface.py runs BlazeFace.

The model ships in the mediapipe wheel (`modules/palm_detection/palm_detection_{lite,full}.tflite`,
Apache-2.0). Its graph (mediapipe/modules/palm_detection/palm_detection_cpu.pbtxt) letterboxes the frame into
192x192 with pixels in [0, 1], decodes 2016 SSD anchors (strides 8, 16, 16, 16; two fixed-size anchors per
cell and layer) into a box and 7 keypoints each (0 the wrist, 2 the middle finger's base), keeps scores of 0.5
and more and merges overlapping boxes by a score-weighted average. The same steps here, in numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from ai_edge_litert.interpreter import Interpreter

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.blazeface import BlazeFaceSpec, anchor_centres, weighted_nms
from interview_integrity.vision.model_files import mediapipe_file

LITE = BlazeFaceSpec("palm_detection/palm_detection_lite.tflite", 192, (8, 16), (2, 6))
FULL = BlazeFaceSpec("palm_detection/palm_detection_full.tflite", 192, (8, 16), (2, 6))
KEYPOINTS = 7
WRIST, MIDDLE_BASE = 0, 2
MIN_SCORE = 0.5  # the graph's own threshold
_SCORE_CLIP = 100.0


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


class PalmDetector:
    """Palms of a whole RGB frame. Not thread-safe (one LiteRT interpreter): one per worker."""

    def __init__(self, spec: BlazeFaceSpec = LITE, min_score: float = MIN_SCORE) -> None:
        self._spec = spec
        self._min_logit = float(np.log(min_score / (1.0 - min_score)))
        self._anchors = anchor_centres(spec)
        self._interpreter = Interpreter(model_path=str(mediapipe_file(spec.model)), num_threads=1)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        outputs = sorted(self._interpreter.get_output_details(), key=lambda d: int(d["shape"][-1]))
        self._scores_index, self._boxes_index = outputs[0]["index"], outputs[1]["index"]
        if len(self._anchors) != int(outputs[0]["shape"][1]):
            raise ValueError(f"{spec.model}: {len(self._anchors)} anchors for {outputs[0]['shape'][1]} outputs")

    def detect(self, rgb: Array) -> list[Palm]:
        """The palms of an RGB uint8 frame, best first, in the frame's pixels."""
        size = self._spec.size
        height, width = rgb.shape[:2]
        scale = size / max(height, width)
        new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
        x0, y0 = (size - new_w) // 2, (size - new_h) // 2
        canvas = np.zeros((size, size, 3), dtype=np.float32)  # BORDER_ZERO padding, as the graph's
        resized = cv2.resize(rgb, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
        canvas[y0 : y0 + new_h, x0 : x0 + new_w] = resized.astype(np.float32) / 255.0
        self._interpreter.set_tensor(self._input, canvas[None])
        self._interpreter.invoke()
        logits = self._interpreter.get_tensor(self._scores_index).reshape(-1)
        keep = logits >= self._min_logit
        if not keep.any():
            return []
        raw = self._interpreter.get_tensor(self._boxes_index).reshape(-1, 4 + 2 * KEYPOINTS)[keep] / size
        anchors = self._anchors[keep]
        scores = 1.0 / (1.0 + np.exp(-np.clip(logits[keep], -_SCORE_CLIP, _SCORE_CLIP)))
        centre = raw[:, 0:2] + anchors
        half = raw[:, 2:4] / 2
        corners = np.concatenate([centre - half, centre + half], axis=1)
        keypoints = raw[:, 4:].reshape(-1, KEYPOINTS, 2) + anchors[:, None, :]
        # input-relative -> frame pixels: undo the letterbox, then scale
        offset = np.array([x0, y0], np.float64) / size
        to_pixels = np.array([width, height], np.float64) / (np.array([new_w, new_h], np.float64) / size)
        palms = []
        for box, points, score in weighted_nms(corners, keypoints, scores):
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
