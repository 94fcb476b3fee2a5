"""A frame's small signature, for telling a live camera from a frozen or looped one.

- `change`: the largest local change since the stream's last frame: the maximum absolute difference of
  their 32x24 grey thumbnails, in grey levels. A live camera always moves somewhere (lips, eyes, breathing);
  a hung or substituted camera repeats its picture, and re-encoding a repeated picture (JPEG, H.264 at any
  quality, sensor noise of sigma 2) moves no thumbnail cell by more than 2 levels (measured on frames of
  every honest clip: scripts/measure/frozen_signal.py). None when there is no last frame, or the picture
  has too little texture to tell (a black or uniform frame: that is `no_face` or a dark frame, not a
  frozen one).
- `dhash`: a 256-bit difference hash (the signs of horizontal gradients of a 17x16 grey thumbnail), as 64
  hex digits. Frames that look alike are a few bits apart; a stream's own consecutive frames differ by
  as many bits as it moves.
"""

from __future__ import annotations

import base64

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.signals import MOTION_SIZE

MIN_TEXTURE = 3.0  # grey-level standard deviation of the thumbnail below which motion cannot be judged


def motion_thumbnail(gray: Array) -> str:
    small = cv2.resize(gray, MOTION_SIZE, interpolation=cv2.INTER_AREA)
    return base64.b64encode(small.tobytes()).decode()


def largest_change(previous: str | None, current: str) -> float | None:
    if previous is None:
        return None
    a = np.frombuffer(base64.b64decode(previous), np.uint8).astype(np.int16)
    b = np.frombuffer(base64.b64decode(current), np.uint8).astype(np.int16)
    if a.shape != b.shape or float(b.std()) < MIN_TEXTURE:
        return None
    return float(np.abs(a - b).max())


def dhash(gray: Array) -> str:
    small = cv2.resize(gray, (17, 16), interpolation=cv2.INTER_AREA).astype(np.int16)
    bits = (small[:, 1:] > small[:, :-1]).ravel()
    return np.packbits(bits).tobytes().hex()
