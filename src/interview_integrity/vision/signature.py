"""A frame's small signature, for telling a live camera from a frozen or looped one.

- `change`: how much the picture moved since the stream's last frame, as the mean absolute difference of
  their 16x12 grey thumbnails (vision/tracking.py), in grey levels with two decimals. A live camera always
  moves a little (sensor noise, breathing, blinking); a hung or substituted camera repeats the same picture.
- `dhash`: a 64-bit difference hash (the signs of horizontal gradients of a 9x8 grey thumbnail): frames
  that look alike have hashes a few bits apart, so a stretch of frames repeating an earlier stretch of the
  same session shows as a run of near-equal hashes at one lag.
"""

from __future__ import annotations

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array


def dhash(gray: Array) -> int:
    small = cv2.resize(gray, (9, 8), interpolation=cv2.INTER_AREA).astype(np.int16)
    bits = (small[:, 1:] > small[:, :-1]).ravel()
    return int(sum(1 << i for i, bit in enumerate(bits) if bit))


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def change(previous: list[int] | None, current: list[int]) -> float | None:
    if previous is None or len(previous) != len(current):
        return None
    return round(float(np.abs(np.asarray(previous, np.float32) - np.asarray(current, np.float32)).mean()), 2)
