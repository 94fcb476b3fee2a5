"""Rotated square crops and the mapping of points back into the frame."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array


@dataclass(frozen=True)
class Crop:
    """A square crop of `out` px, centred on (cx, cy), `size` px wide in the frame, rotated by `angle`."""

    pixels: Array
    matrix: Array  # 2x3: crop pixel -> frame pixel

    def to_frame(self, points: Array) -> Array:
        """Map (N, 2) crop coordinates into frame coordinates."""
        mapped: Array = points @ self.matrix[:, :2].T + self.matrix[:, 2]
        return mapped


def rotated_crop(image: Array, cx: float, cy: float, size: float, angle: float, out: int) -> Crop:
    scale = size / out
    cos, sin = math.cos(angle) * scale, math.sin(angle) * scale
    matrix = np.array([[cos, -sin, 0.0], [sin, cos, 0.0]])
    matrix[:, 2] = np.array([cx, cy]) - matrix[:, :2] @ np.array([out / 2, out / 2])
    pixels = cv2.warpAffine(
        image, matrix, (out, out), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return Crop(pixels=pixels, matrix=matrix)
