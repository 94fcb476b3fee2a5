"""How far apart two recorded signals are: the comparisons rules make (no model is needed to compare)."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import numpy.typing as npt

from interview_integrity.vision.signals import MOTION_SIZE

MIN_REGION_CELLS = 4  # a region of a thumbnail smaller than this many cells cannot be compared


def embedding_distance(a: list[float] | npt.NDArray[Any], b: list[float] | npt.NDArray[Any]) -> float:
    """Euclidean distance of two face embeddings (dlib's scale: the same person is under about 0.6)."""
    return float(np.linalg.norm(np.asarray(a, np.float32) - np.asarray(b, np.float32)))


def hash_distance(a: str, b: str) -> int:
    """Bits apart of two hex picture hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def thumbnail_pixels(thumbnail: str) -> npt.NDArray[np.float32]:
    """A frame's grey thumbnail (base64, `FaceTrack.motion`) as rows of pixels."""
    width, height = MOTION_SIZE
    return np.frombuffer(base64.b64decode(thumbnail), np.uint8).reshape(height, width).astype(np.float32)


def median_thumbnail(thumbnails: list[str]) -> str:
    """The per-pixel median of several thumbnails: the still picture, less what moved."""
    stack = np.stack([thumbnail_pixels(t) for t in thumbnails])
    return base64.b64encode(np.median(stack, axis=0).round().astype(np.uint8).tobytes()).decode()


def region_change(a: str, b: str, box: tuple[float, float, float, float]) -> tuple[float, float] | None:
    """How a region (x0, y0, x1, y1 as shares of the frame) differs between two thumbnails: the mean absolute
    grey-level difference of its texture (each side less its own mean) and the shift of its mean brightness.
    None when the region covers too few cells to tell."""
    width, height = MOTION_SIZE
    x0, y0 = max(0, int(box[0] * width)), max(0, int(box[1] * height))
    x1, y1 = min(width, int(np.ceil(box[2] * width))), min(height, int(np.ceil(box[3] * height)))
    if (x1 - x0) * (y1 - y0) < MIN_REGION_CELLS:
        return None
    first, second = thumbnail_pixels(a)[y0:y1, x0:x1], thumbnail_pixels(b)[y0:y1, x0:x1]
    texture = float(np.abs((first - first.mean()) - (second - second.mean())).mean())
    return texture, float(abs(first.mean() - second.mean()))
