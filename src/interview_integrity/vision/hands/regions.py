"""Where a palm's hand is: MediaPipe's own hand region, from the palm box and two of its keypoints.

MediaPipe's PalmDetectionDetectionToRoi graph turns a palm into the square the hand landmark model sees: the
box rotated so that the wrist-to-middle-finger line points up, moved half a box toward the fingers, made
square on its longer side and enlarged 2.6 times. That square holds the whole hand, fingers spread, and
whatever the hand holds against the palm; its axis-aligned bounds are the hand's region here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from interview_integrity.vision.hands.palm import Palm
from interview_integrity.vision.signals import Box

SCALE = 2.6  # RectTransformationCalculator in MediaPipe's palm-to-hand graph
SHIFT_Y = -0.5  # toward the fingers, in box heights


@dataclass(frozen=True)
class HandRegion:
    """The rotated square around one hand (frame px): centre, side, rotation (radians) and the palm's score."""

    cx: float
    cy: float
    side: float
    rotation: float
    score: float

    def bounds(self) -> Box:
        """The axis-aligned box around the rotated square."""
        half = self.side / 2 * (abs(math.cos(self.rotation)) + abs(math.sin(self.rotation)))
        return Box(x=self.cx - half, y=self.cy - half, width=2 * half, height=2 * half)


def _normalized(angle: float) -> float:
    return angle - 2 * math.pi * math.floor((angle + math.pi) / (2 * math.pi))


def hand_region(palm: Palm, scale: float = SCALE) -> HandRegion:
    """MediaPipe's hand square for one palm."""
    (x0, y0), (x1, y1) = palm.wrist, palm.middle_base
    rotation = _normalized(math.pi / 2 - math.atan2(-(y1 - y0), x1 - x0))
    width, height = palm.width, palm.height
    cx, cy = palm.x + width / 2, palm.y + height / 2
    cx -= height * SHIFT_Y * math.sin(rotation)
    cy += height * SHIFT_Y * math.cos(rotation)
    return HandRegion(cx=cx, cy=cy, side=max(width, height) * scale, rotation=rotation, score=palm.score)
