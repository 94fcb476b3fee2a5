"""The verifier's view of a candidate: a square crop of the ORIGINAL frame around it, with context.

A detector's box is tight around what it thinks is a phone, so its crop adds half the box's longer side on
every side (the hand holding it, the ear it is held to); hand and ear regions already hold their context and
get a little more. The square is centred on the region, then moved back inside the frame where the frame is
large enough (a phone at the frame's edge is seen with the frame around it, not beside a black band), cut at
full resolution (black only where it cannot fit) and resized once to the verifier's input.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.phone.candidates import Candidate, Kind
from interview_integrity.vision.signals import Box

SIZE = 96
CONTEXT: dict[Kind, float] = {"detector": 0.5, "hand": 0.1, "ear": 0.1}
MIN_SIDE_PX = 16


def square(box: Box, margin: float, width: int, height: int) -> tuple[int, int, int]:
    """(x0, y0, side) of the square around a box, its longer side grown by `margin` on each side, moved inside
    a frame of `width` x `height` along each axis the frame is long enough for."""
    side = max(MIN_SIDE_PX, round(max(box.width, box.height) * (1 + 2 * margin)))
    cx, cy = box.center
    x0, y0 = round(cx - side / 2), round(cy - side / 2)
    if side <= width:
        x0 = min(max(x0, 0), width - side)
    if side <= height:
        y0 = min(max(y0, 0), height - side)
    return x0, y0, side


def crop_square(bgr: Array, x0: int, y0: int, side: int, size: int = SIZE) -> Array:
    """The (size, size, 3) crop of a square of the frame; what lies outside the frame is black."""
    height, width = bgr.shape[:2]
    ix0, iy0, ix1, iy1 = max(0, x0), max(0, y0), min(width, x0 + side), min(height, y0 + side)
    canvas = np.zeros((side, side, 3), np.uint8)
    if ix1 > ix0 and iy1 > iy0:
        canvas[iy0 - y0 : iy1 - y0, ix0 - x0 : ix1 - x0] = bgr[iy0:iy1, ix0:ix1]
    interpolation = cv2.INTER_AREA if side > size else cv2.INTER_LINEAR
    resized: Array = cv2.resize(canvas, (size, size), interpolation=interpolation)
    return resized


def crop(bgr: Array, box: Box, kind: Kind, size: int = SIZE) -> Array:
    height, width = bgr.shape[:2]
    return crop_square(bgr, *square(box, CONTEXT[kind], width, height), size=size)


def crops(bgr: Array, candidates: Sequence[Candidate], size: int = SIZE) -> Array:
    """(N, size, size, 3) BGR crops of the candidates, in their order."""
    if not candidates:
        return np.zeros((0, size, size, 3), np.uint8)
    return np.stack([crop(bgr, c.box, c.kind, size) for c in candidates])
