"""Following faces from one frame of a stream to the next, as MediaPipe's own face mesh does.

Searching a frame for faces takes both detectors (about 5 ms of a 12 ms frame); following a face already
found takes one run of the landmark model at its last place, a run the mesh needs anyway. So on the frames
between two detection frames of a stream, the faces of the last frame are followed, and the short-range
detector (1 ms) still looks for a new face close to the camera. Far new faces wait for the next detection
frame, at most `object_every_n_frames - 1` frames away.

Following is only trusted while the stream is continuous. Anything else gives a full detection:
- the last frame is more than `follow_max_gap_s` older, or newer (frames racing one another);
- the frame changed size or its scene changed (a cut, an unrelated still): the mean difference of two
  16x12 thumbnails tells a cut from motion (consecutive frames at 5 fps differ by 10 grey levels or less,
  different videos by 13 or more);
- a face followed is not there any more (the landmark model no longer sees a face at its last place):
  whether it left or moved fast, the detectors decide;
- the last frame had no face: a face that comes back may be anywhere and far.
"""

from __future__ import annotations

import cv2
import numpy as np

from interview_integrity.config import VisionSettings
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.signals import FaceTrack

THUMBNAIL_SIZE = (16, 12)


def thumbnail(gray: Array) -> list[int]:
    small = cv2.resize(gray, THUMBNAIL_SIZE, interpolation=cv2.INTER_AREA)
    return [int(v) for v in small.ravel()]


def scene_change(a: list[int], b: list[int]) -> float:
    """Mean absolute difference of two thumbnails, in grey levels."""
    return float(np.abs(np.asarray(a, np.float32) - np.asarray(b, np.float32)).mean())


def can_follow(
    track: FaceTrack | None, timestamp: float, width: int, height: int, small: list[int], settings: VisionSettings
) -> bool:
    if track is None or not track.faces or not settings.follow_faces:
        return False
    if (track.width, track.height) != (width, height):
        return False
    if not 0 <= timestamp - track.timestamp <= settings.follow_max_gap_s:
        return False
    return scene_change(track.thumbnail, small) <= settings.follow_max_scene_change
