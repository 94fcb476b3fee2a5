"""Honest clips as a less frontal camera would have filmed them: the same candidate, the same behaviour.

Nobody is filmed for these. Each variant transforms every frame of a real honest clip the same way:
- `side`: a camera beside the screen, simulated by turning the image plane 40 degrees about a vertical axis
  (a homography): the face is seen obliquely, its landmarks foreshortened on one side;
- `off_centre`: the face near the frame's edge and closer, as a webcam aimed past the candidate films it;
- `tilted`: a camera rolled by 15 degrees;
- `dim`: a darker room (gamma 1.8, two thirds of the light);
- `monitor`: the candidate's own laptop in view in a corner from the first frame on (pasted from a real
  photo of a desk), the setup a side camera sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array

Transform = Callable[[Array], Array]
DESK_PHOTO = "noface_empty_desk_laptop.jpg"  # ../shared/data: a laptop on a desk (ImageNet sample)
_LAPTOP_REGION = (0.34, 0.46, 0.62, 0.9)  # x0, y0, x1, y1 of the laptop alone in that photo, as shares


def side(frame: Array, degrees: float = 40.0) -> Array:
    height, width = frame.shape[:2]
    squeeze = np.cos(np.radians(degrees))
    depth = 0.25 * np.sin(np.radians(degrees)) * height
    source = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    near = width * (1 - squeeze) / 2
    target = np.array([[near, -depth], [width - near, 0], [width - near, height], [near, height + depth]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, target)
    warped: Array = cv2.warpPerspective(frame, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
    return warped


def off_centre(frame: Array) -> Array:
    """The right 60 % of the frame (its middle rows), enlarged: a centred face ends up near the left edge."""
    height, width = frame.shape[:2]
    window = frame[int(0.2 * height) : int(0.8 * height), int(0.4 * width) :]
    shifted: Array = cv2.resize(window, (width, height), interpolation=cv2.INTER_LINEAR)
    return shifted


def tilted(frame: Array, degrees: float = 15.0) -> Array:
    height, width = frame.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    rotated: Array = cv2.warpAffine(frame, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
    return rotated


def dim(frame: Array) -> Array:
    curve = np.clip(255 * (np.arange(256) / 255.0) ** 1.8 * 0.67, 0, 255).astype(np.uint8)
    darker: Array = cv2.LUT(frame, curve)
    return darker


@cache
def _laptop(data_dir: Path) -> Array:
    photo = cv2.imread(str(data_dir / DESK_PHOTO), cv2.IMREAD_COLOR)
    if photo is None:
        raise FileNotFoundError(data_dir / DESK_PHOTO)
    h, w = photo.shape[:2]
    x0, y0, x1, y1 = _LAPTOP_REGION
    crop: Array = photo[int(y0 * h) : int(y1 * h), int(x0 * w) : int(x1 * w)]
    return crop


def monitor(data_dir: Path) -> Transform:
    def paste(frame: Array) -> Array:
        height, width = frame.shape[:2]
        laptop = _laptop(data_dir)
        size = int(0.3 * width)
        part = cv2.resize(laptop, (size, int(size * laptop.shape[0] / laptop.shape[1])), interpolation=cv2.INTER_AREA)
        part = part[: height // 2]
        out = frame.copy()
        out[height - part.shape[0] :, width - size :] = part  # in the lower right corner, from the first frame on
        return out

    return paste


def variants(data_dir: Path) -> dict[str, Transform]:
    return {"side": side, "off_centre": off_centre, "tilted": tilted, "dim": dim, "monitor": monitor(data_dir)}


def transformed(frames: Iterator[tuple[float, Array]], transform: Transform) -> Iterator[tuple[float, Array]]:
    for timestamp, frame in frames:
        yield timestamp, transform(frame)
