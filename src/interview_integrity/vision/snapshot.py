"""Evidence pictures: the frame, downscaled to at most `SNAPSHOT_WIDTH`, and a crop of one region of it at the
frame's own resolution (a phone of 20 pixels in the snapshot is 60 in a 1920-pixel frame). Nothing is drawn
into the pixels: the boxes travel beside the picture, as data, so a reviewer sees what the camera saw and the
page draws the boxes over it. Made only when evidence is switched on.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.signals import Box

# 640 px: a 640x480 webcam frame is kept whole; larger frames are halved or more. 320 px made a phone about
# ten pixels. What it costs is measured in tests/vision/test_snapshot.py (bytes and milliseconds a snapshot).
SNAPSHOT_WIDTH = 640
SNAPSHOT_QUALITY = 80
CROP_MARGIN = 0.5  # the crop shows this share of the region's size around it on each side: the hand, the ear
CROP_MIN_SIDE = 64  # pixels of the frame: a tiny region is cropped with at least this much around its centre
CROP_MAX_SIDE = 480  # a crop larger than this is scaled down to it


@dataclass(frozen=True)
class Picture:
    jpeg: bytes
    width: int
    height: int


def _encode(image: Array, quality: int) -> bytes:
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("the evidence picture could not be encoded")
    return bytes(buffer.tobytes())


def snapshot(image: Array, width: int = SNAPSHOT_WIDTH, quality: int = SNAPSHOT_QUALITY) -> Picture:
    """The whole frame, downscaled to `width` when wider."""
    scale = min(1.0, width / image.shape[1])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    return Picture(_encode(small, quality), small.shape[1], small.shape[0])


def crop_region(box: Box, frame_width: int, frame_height: int) -> Box:
    """The part of the frame a crop of `box` shows: the box with a margin, at least CROP_MIN_SIDE, in the frame."""
    side_w = max(box.width * (1 + 2 * CROP_MARGIN), CROP_MIN_SIDE)
    side_h = max(box.height * (1 + 2 * CROP_MARGIN), CROP_MIN_SIDE)
    cx, cy = box.center
    x0, y0 = max(0.0, cx - side_w / 2), max(0.0, cy - side_h / 2)
    x1, y1 = min(float(frame_width), cx + side_w / 2), min(float(frame_height), cy + side_h / 2)
    return Box(x=x0, y=y0, width=max(1.0, x1 - x0), height=max(1.0, y1 - y0))


def crop(image: Array, region: Box, quality: int = 90) -> Picture:
    """`region` of the frame at the frame's own resolution (scaled down only beyond CROP_MAX_SIDE)."""
    height, width = image.shape[:2]
    x0, y0 = max(0, int(region.x)), max(0, int(region.y))
    x1, y1 = min(width, round(region.x + region.width)), min(height, round(region.y + region.height))
    part = image[y0 : max(y1, y0 + 1), x0 : max(x1, x0 + 1)]
    scale = min(1.0, CROP_MAX_SIDE / max(part.shape[:2]))
    if scale < 1:
        part = cv2.resize(part, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return Picture(_encode(part, quality), part.shape[1], part.shape[0])
