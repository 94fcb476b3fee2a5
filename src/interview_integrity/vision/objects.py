"""Object detection behind a small protocol; YOLOv4-tiny (COCO) through OpenCV DNN is the first backend.

Only the classes that matter in an interview are reported. Detectors return every candidate above a low
floor; `select_objects` applies the per-class thresholds in one place, so a second detector or a
fusion step sees the same rules.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.model_files import yolo_file
from interview_integrity.vision.settings import ObjectThresholds
from interview_integrity.vision.signals import Box, DetectedObject

# COCO name -> the label we report
INTERVIEW_CLASSES = {
    "person": "person",
    "cell phone": "cell phone",
    "book": "book",
    "laptop": "laptop",
    "tvmonitor": "tv",
    "remote": "remote",
    "keyboard": "keyboard",
    "mouse": "mouse",
}
_CANDIDATE_FLOOR = 0.05
_NMS_IOU = 0.45
_BORDER_PX = 2.0


class ObjectDetector(Protocol):
    name: str
    relative_cost: float  # time per frame against SSDLite's; it decides which detector runs on its own thread
    heavy: bool  # costly enough to run only every `heavy_interval_s` of a stream (vision/schedule.py)
    one_class: bool  # knows one class only (our phone detector): it cannot tell its class from the others

    def detect(self, bgr: Array) -> list[DetectedObject]:
        """Candidates of the interview classes, scores >= a low floor, before per-class thresholds."""
        ...


def touches_border(box: Box, width: int, height: int) -> bool:
    return (
        box.x <= _BORDER_PX
        or box.y <= _BORDER_PX
        or box.x + box.width >= width - _BORDER_PX
        or box.y + box.height >= height - _BORDER_PX
    )


_FUSE_IOU = 0.3
# A one-class detector was never shown these look-alikes (a closed laptop from above is a big dark rounded
# rectangle to a phone detector); a multi-class detector was taught them apart, so where both claim one box,
# the surer claim stands. (COCO's SSDLite calls some phones held near the lens a laptop, at 0.4-0.6 where
# ours says phone at 0.8-0.9: on phone_using/valid that rule drops none of our phones.)
_TOLD_APART = frozenset({"laptop", "tv", "keyboard"})
_SAME_OBJECT_IOU = 0.5


def fuse(
    per_detector: dict[str, list[DetectedObject]],
    thresholds: dict[str, ObjectThresholds],
    one_class: Collection[str] = (),
) -> list[DetectedObject]:
    """Objects over their own detector's thresholds; the same object seen by several detectors (same
    label, boxes overlapping) is reported once, with the highest score and every source named. An object of
    a detector named in `one_class` is dropped where another detector is surer of a laptop, screen or
    keyboard in the same place."""
    selected = {name: select_objects(found, thresholds[name]) for name, found in per_detector.items()}
    told_apart = [
        obj for name, found in selected.items() if name not in one_class for obj in found if obj.label in _TOLD_APART
    ]
    kept = [
        obj
        for name, found in selected.items()
        for obj in found
        if name not in one_class or not any(_outweighs(other, obj) for other in told_apart)
    ]
    fused: list[DetectedObject] = []
    for obj in sorted(kept, key=lambda o: -o.confidence):
        match = next((f for f in fused if f.label == obj.label and f.box.iou(obj.box) >= _FUSE_IOU), None)
        if match is None:
            fused.append(obj.model_copy())
        elif obj.source not in match.source.split("+"):
            match.source = f"{match.source}+{obj.source}"
    return fused


def _outweighs(other: DetectedObject, obj: DetectedObject) -> bool:
    return other.confidence > obj.confidence and other.box.iou(obj.box) >= _SAME_OBJECT_IOU


def select_objects(candidates: list[DetectedObject], thresholds: ObjectThresholds) -> list[DetectedObject]:
    """Keep candidates over their class threshold; a box cut by the frame border needs a little more."""
    kept = []
    for obj in candidates:
        bar = thresholds.for_label(obj.label) + (thresholds.partial_penalty if obj.partial else 0.0)
        if obj.confidence >= bar:
            kept.append(obj)
    return sorted(kept, key=lambda o: -o.confidence)


def yolo_objects(rows: Array, names: list[str], width: int, height: int, source: str) -> list[DetectedObject]:
    """OpenCV DNN's YOLO rows (cx, cy, w, h relative; objectness; 80 class scores) as interview objects."""
    class_scores = rows[:, 5:] * rows[:, 4:5]
    class_ids = class_scores.argmax(axis=1)
    scores = class_scores[np.arange(len(rows)), class_ids]
    found: list[DetectedObject] = []
    for class_id in np.unique(class_ids[scores >= _CANDIDATE_FLOOR]):
        label = INTERVIEW_CLASSES.get(names[int(class_id)])
        if label is None:
            continue
        mask = (class_ids == class_id) & (scores >= _CANDIDATE_FLOOR)
        cx, cy, bw, bh = (rows[mask, i] for i in range(4))
        boxes = np.stack([(cx - bw / 2) * width, (cy - bh / 2) * height, bw * width, bh * height], axis=1)
        keep = cv2.dnn.NMSBoxes(boxes.tolist(), scores[mask].tolist(), _CANDIDATE_FLOOR, _NMS_IOU)
        for i in np.array(keep).reshape(-1):
            x, y, w, h = boxes[i]
            x0, y0 = max(0.0, float(x)), max(0.0, float(y))
            box = Box(x=x0, y=y0, width=min(float(x + w), width) - x0, height=min(float(y + h), height) - y0)
            found.append(
                DetectedObject(
                    label=label,
                    confidence=round(float(scores[mask][i]), 4),
                    box=box,
                    partial=touches_border(box, width, height),
                    source=source,
                )
            )
    return found


class YoloV4TinyDetector:
    """Not thread-safe (cv2.dnn.Net): each worker thread uses its own instance."""

    name = "yolo"
    relative_cost = 6.0
    heavy = True
    one_class = False

    def __init__(self, input_size: int = 416) -> None:
        self._net = cv2.dnn.readNetFromDarknet(str(yolo_file("yolov4-tiny.cfg")), str(yolo_file("yolov4-tiny.weights")))
        self._net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
        self._net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
        self._layers = self._net.getUnconnectedOutLayersNames()
        self._names = yolo_file("coco.names").read_text().strip().splitlines()
        self._size = input_size

    def detect(self, bgr: Array) -> list[DetectedObject]:
        height, width = bgr.shape[:2]
        blob = cv2.dnn.blobFromImage(bgr, 1 / 255.0, (self._size, self._size), swapRB=True, crop=False)
        self._net.setInput(blob)
        return yolo_objects(np.vstack(self._net.forward(self._layers)), self._names, width, height, self.name)
