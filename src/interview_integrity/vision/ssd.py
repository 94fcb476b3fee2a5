"""The SSD box coder and per-class NMS shared by the SSDLite detectors (COCO and our phone model).

Both use the TF object detection API's anchors for ssdlite_mobilenet_v2 at 300x300 (1917 of them, kept in
each ONNX file) and its box coder scale factors (10, 10, 5, 5).
"""

from __future__ import annotations

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array

SCALE_XY, SCALE_WH = 10.0, 5.0


def center_form(corners: Array) -> Array:
    """(yc, xc, h, w) anchors from (ymin, xmin, ymax, xmax) ones."""
    heights, widths = corners[:, 2] - corners[:, 0], corners[:, 3] - corners[:, 1]
    centred: Array = np.stack([corners[:, 0] + heights / 2, corners[:, 1] + widths / 2, heights, widths], axis=1)
    return centred


def decode(encodings: Array, anchors: Array) -> Array:
    """(ymin, xmin, ymax, xmax), normalised, from box encodings relative to (yc, xc, h, w) anchors."""
    yc = encodings[:, 0] / SCALE_XY * anchors[:, 2] + anchors[:, 0]
    xc = encodings[:, 1] / SCALE_XY * anchors[:, 3] + anchors[:, 1]
    h = np.exp(encodings[:, 2] / SCALE_WH) * anchors[:, 2]
    w = np.exp(encodings[:, 3] / SCALE_WH) * anchors[:, 3]
    decoded: Array = np.stack([yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2], axis=1)
    return decoded


def pixel_boxes(corners: Array, width: int, height: int) -> Array:
    """(x, y, w, h) pixel rectangles of normalised corner boxes, clipped to the frame."""
    ymin, xmin, ymax, xmax = (np.clip(corners[:, i], 0, 1) for i in range(4))
    rects: Array = np.stack([xmin * width, ymin * height, (xmax - xmin) * width, (ymax - ymin) * height], axis=1)
    return rects


def nms(rects: Array, scores: Array, floor: float, iou: float) -> list[int]:
    """Indexes of the boxes kept by non-maximum suppression, best first."""
    if not len(rects):
        return []
    chosen = cv2.dnn.NMSBoxes(rects.tolist(), scores.tolist(), floor, iou)
    return [int(i) for i in np.array(chosen).reshape(-1)]
