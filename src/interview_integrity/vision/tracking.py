"""Following faces from one frame of a stream to the next, as MediaPipe's own face mesh does.

Searching a frame for faces takes both detectors (about 5 ms of a 12 ms frame); following a face already
found takes one run of the landmark model at its last place, a run the mesh needs anyway. So a stream's
frames follow the last frame's faces, and the short-range detector (1 ms) still looks for new faces close
to the camera. The whole frame is searched again at least every `face_search_every_s` (1 s), on a frame
without object detection, so a far new face is counted within about a second.

Following is only trusted while the stream is continuous. Anything else gives a full search:
- the last frame is more than `follow_max_gap_s` older, or newer (frames racing one another);
- the frame changed size or its scene changed (a cut, an unrelated still): the mean difference of two
  16x12 thumbnails tells a cut from motion (consecutive frames of the dev videos at 5 fps differ by 10
  grey levels or less, different videos by 13 or more);
- a face followed is not there any more (the landmark model no longer sees a face at its last place):
  whether it left or moved fast, the detectors decide (`FaceDetector.follow` returns None);
- the last frame had no face (a face that comes back may be anywhere and far), or more than two: from
  three faces on, a search costs no more than following them all.
"""

from __future__ import annotations

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.settings import VisionSettings
from interview_integrity.vision.signals import FaceTrack, TrackedFace

THUMBNAIL_SIZE = (16, 12)
# Each followed face costs a landmark run; from three faces on, a search costs as much or less (one thread,
# the mesh included: 3 faces 7.9 ms either way, 6 faces 17.2 ms followed against 14.8 searched).
MAX_FOLLOWED_FACES = 2


def thumbnail(gray: Array) -> list[int]:
    small: list[int] = cv2.resize(gray, THUMBNAIL_SIZE, interpolation=cv2.INTER_AREA).ravel().tolist()
    return small


def scene_change(a: list[int], b: list[int]) -> float:
    """Mean absolute difference of two thumbnails, in grey levels."""
    return float(np.abs(np.asarray(a, np.float32) - np.asarray(b, np.float32)).mean())


def faces_to_follow(
    track: FaceTrack | None,
    timestamp: float,
    size: tuple[int, int],
    small: list[int],
    settings: VisionSettings,
    *,
    object_frame: bool,
) -> list[TrackedFace]:
    """The faces this frame of a stream follows; none when it must search the whole frame. A search that
    falls due on an object frame waits for the next frame when that one will have no objects (the costliest
    frames would otherwise cost more); a stream whose every frame has objects (2 fps) searches when due."""
    if track is None or not _continuous(track, timestamp, size, small, settings):
        return []
    if timestamp - track.searched_at < settings.face_search_every_s:
        return track.faces
    step = timestamp - track.timestamp
    next_has_objects = 2 * step > settings.object_interval_s
    return track.faces if object_frame and not next_has_objects else []


def faces_known(
    track: FaceTrack | None, timestamp: float, size: tuple[int, int], small: list[int], settings: VisionSettings
) -> list[TrackedFace]:
    """The last frame's faces, while the stream is continuous: a search keeps those still there."""
    return track.faces if track is not None and _continuous(track, timestamp, size, small, settings) else []


def _continuous(
    track: FaceTrack, timestamp: float, size: tuple[int, int], small: list[int], settings: VisionSettings
) -> bool:
    if not 0 < len(track.faces) <= MAX_FOLLOWED_FACES or not settings.follow_faces:
        return False
    if (track.width, track.height) != size:
        return False
    if not 0 <= timestamp - track.timestamp <= settings.follow_max_gap_s:
        return False
    return scene_change(track.thumbnail, small) <= settings.follow_max_scene_change
