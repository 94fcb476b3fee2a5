"""MediaPipe's BlazeFace detectors run directly with TFLite, as MediaPipe's own graphs run them.

The graphs (mediapipe/modules/face_detection/*.pbtxt) letterbox the frame into the model's square
input, scale pixels to [-1, 1], decode the boxes against fixed SSD anchors and merge overlapping boxes
by a score-weighted average. Doing the same steps here in numpy gives the same faces without the
graph's per-call overhead, which was more than the models' own time (full range: 3.7 ms of 6.8 ms).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from ai_edge_litert.interpreter import Interpreter

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.model_files import mediapipe_file

_SCORE_CLIP = 100.0
_MIN_SUPPRESSION_IOU = 0.3


@dataclass(frozen=True)
class BlazeFaceSpec:
    """The options of the model's graph: SsdAnchorsCalculator and TensorsToDetectionsCalculator."""

    model: str
    size: int
    strides: tuple[int, ...]
    anchors_per_cell: tuple[int, ...]  # per stride layer, after MediaPipe merges layers of equal stride


FULL_RANGE = BlazeFaceSpec("face_detection/face_detection_full_range_sparse.tflite", 192, (4,), (1,))
SHORT_RANGE = BlazeFaceSpec("face_detection/face_detection_short_range.tflite", 128, (8, 16), (2, 6))


@dataclass(frozen=True)
class RawDetection:
    """Relative to the frame (0-1): box and the subject's right and left eye (image-left first)."""

    xmin: float
    ymin: float
    width: float
    height: float
    score: float
    right_eye: tuple[float, float]
    left_eye: tuple[float, float]


def anchor_centres(spec: BlazeFaceSpec) -> Array:
    """(N, 2) anchor centres in input-relative units; fixed-size anchors, so width = height = 1."""
    centres = []
    for stride, per_cell in zip(spec.strides, spec.anchors_per_cell, strict=True):
        cells = spec.size // stride
        ys, xs = np.meshgrid(np.arange(cells), np.arange(cells), indexing="ij")
        grid = np.stack([(xs + 0.5) / cells, (ys + 0.5) / cells], axis=-1).reshape(-1, 1, 2)
        centres.append(np.repeat(grid, per_cell, axis=1).reshape(-1, 2))
    anchors: Array = np.concatenate(centres).astype(np.float32)
    return anchors


def _iou(box: Array, others: Array) -> Array:
    """IoU of one (xmin, ymin, xmax, ymax) box against (N, 4) boxes."""
    x0 = np.maximum(box[0], others[:, 0])
    y0 = np.maximum(box[1], others[:, 1])
    x1 = np.minimum(box[2], others[:, 2])
    y1 = np.minimum(box[3], others[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    union: Array = area + areas - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)


def weighted_nms(corners: Array, keypoints: Array, scores: Array) -> list[tuple[Array, Array, float]]:
    """MediaPipe's WEIGHTED suppression: each cluster of boxes overlapping the best one by more than
    IoU 0.3 becomes their score-weighted average (box and keypoints), with the best one's score."""
    order = np.argsort(-scores)
    corners, keypoints, scores = corners[order], keypoints[order], scores[order]
    remaining = np.ones(len(scores), dtype=bool)
    merged = []
    for index in range(len(scores)):
        if not remaining[index]:
            continue
        cluster = remaining & (_iou(corners[index], corners) > _MIN_SUPPRESSION_IOU)
        cluster[index] = True
        weights = scores[cluster] / scores[cluster].sum()
        box = np.tensordot(weights, corners[cluster], axes=1)
        points = np.tensordot(weights, keypoints[cluster], axes=1)
        merged.append((box, points, float(scores[index])))
        remaining &= ~cluster
    return merged


@dataclass(frozen=True)
class Letterbox:
    """Where a frame sits in a model's square input: its longer side fills it, the shorter one is padded equally."""

    size: int
    x0: int
    y0: int
    new_w: int
    new_h: int

    @classmethod
    def of(cls, width: int, height: int, size: int) -> Letterbox:
        scale = size / max(height, width)
        new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
        return cls(size, (size - new_w) // 2, (size - new_h) // 2, new_w, new_h)

    @property
    def offset(self) -> Array:
        """The padding before the frame, as a share of the input (x, y)."""
        return np.array([self.x0, self.y0], np.float64) / self.size

    @property
    def content(self) -> Array:
        """The frame's share of the input (x, y)."""
        return np.array([self.new_w, self.new_h], np.float64) / self.size


class AnchorModel:
    """A MediaPipe SSD model on LiteRT (BlazeFace, the palm detector): the frame letterboxed into its input with
    black padding, scores and boxes decoded against its anchors, overlapping boxes merged as MediaPipe merges
    them. Not thread-safe (one interpreter): each worker thread has its own."""

    def __init__(self, spec: BlazeFaceSpec, min_score: float, keypoints: int, pixels: tuple[float, float]) -> None:
        """`keypoints`: how many the model gives a box; `pixels`: the range (low, high) it wants pixels in."""
        self._spec, self._keypoints, self._pixels = spec, keypoints, pixels
        self._min_logit = float(np.log(min_score / (1.0 - min_score)))
        self._anchors = anchor_centres(spec)
        self._interpreter = Interpreter(model_path=str(mediapipe_file(spec.model)), num_threads=1)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        outputs = sorted(self._interpreter.get_output_details(), key=lambda d: int(d["shape"][-1]))
        self._scores_index, self._boxes_index = outputs[0]["index"], outputs[1]["index"]
        if len(self._anchors) != int(outputs[0]["shape"][1]):
            raise ValueError(f"{spec.model}: {len(self._anchors)} anchors for {outputs[0]['shape'][1]} outputs")

    def _run(self, rgb: Array) -> tuple[list[tuple[Array, Array, float]], Letterbox]:
        """The merged (corners, keypoints, score) of an RGB uint8 frame, relative to the model's input, and
        the letterbox that maps them back to the frame."""
        size = self._spec.size
        box = Letterbox.of(rgb.shape[1], rgb.shape[0], size)
        low, high = self._pixels
        canvas = np.full((size, size, 3), low, dtype=np.float32)  # black padding, as MediaPipe's
        resized = cv2.resize(rgb, (box.new_w, box.new_h), interpolation=cv2.INTER_LINEAR)
        canvas[box.y0 : box.y0 + box.new_h, box.x0 : box.x0 + box.new_w] = (
            resized.astype(np.float32) / (255.0 / (high - low)) + low
        )
        self._interpreter.set_tensor(self._input, canvas[None])
        self._interpreter.invoke()
        logits = self._interpreter.get_tensor(self._scores_index).reshape(-1)
        keep = logits >= self._min_logit
        if not keep.any():
            return [], box
        raw = self._interpreter.get_tensor(self._boxes_index).reshape(-1, 4 + 2 * self._keypoints)[keep] / size
        anchors = self._anchors[keep]
        scores = 1.0 / (1.0 + np.exp(-np.clip(logits[keep], -_SCORE_CLIP, _SCORE_CLIP)))
        centre = raw[:, 0:2] + anchors
        half = raw[:, 2:4] / 2
        corners = np.concatenate([centre - half, centre + half], axis=1)
        keypoints = raw[:, 4:].reshape(-1, self._keypoints, 2) + anchors[:, None, :]
        return weighted_nms(corners, keypoints, scores), box


class BlazeFace(AnchorModel):
    """One BlazeFace model. Not thread-safe: each worker thread has its own (see FrameAnalyzer)."""

    def __init__(self, spec: BlazeFaceSpec, min_score: float) -> None:
        super().__init__(spec, min_score, keypoints=6, pixels=(-1.0, 1.0))

    def detect(self, rgb: Array) -> list[RawDetection]:
        merged, letterbox = self._run(rgb)
        # undo the letterbox: input-relative -> frame-relative
        offset, content = letterbox.offset, letterbox.content
        out = []
        for box, points, score in merged:
            (bx0, by0), (bx1, by1) = (box[:2] - offset) / content, (box[2:] - offset) / content
            eyes = (points[:2] - offset) / content
            out.append(
                RawDetection(
                    xmin=float(bx0),
                    ymin=float(by0),
                    width=float(bx1 - bx0),
                    height=float(by1 - by0),
                    score=score,
                    right_eye=(float(eyes[0, 0]), float(eyes[0, 1])),
                    left_eye=(float(eyes[1, 0]), float(eyes[1, 1])),
                )
            )
        return out
