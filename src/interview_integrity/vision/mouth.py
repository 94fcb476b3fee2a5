"""The primary face's lips, from the face mesh: how far apart they are in this frame, or why that cannot be read.

One frame's number says nothing about speech; how it changes over a second does (audio/lipsync.py). The gap
between the inner lips is measured at three places (the middle and halfway to each corner) and divided by
the distance between the outer eye corners in 3D (the mesh's depth is in the same units as x), so the
number is the same for a near or a far face, a turned head or a smile. It is left unread (None) where it
would be a guess: no face, a face too small for the lips to be placed, a head turned too far, a frame too
dark or blurred to trust.
"""

from __future__ import annotations

import numpy as np

from interview_integrity.vision.landmarks import FaceMesh
from interview_integrity.vision.signals import HeadPose, Mouth, Quality

# mesh indices: pairs of inner-lip points (upper, lower) and the mouth's outer corners
_INNER_LIP_PAIRS = ((13, 14), (82, 87), (312, 317))
_MOUTH_CORNERS = (61, 291)
_EYE_CORNERS = (33, 263)
# Lips narrower than this many pixels corner to corner are a few pixels high: the mesh's placement noise
# is then as large as the movement of speech.
MIN_MOUTH_WIDTH_PX = 18.0
# Beyond this yaw the far half of the mouth is hidden and the inner lips are guessed by the mesh.
MAX_YAW_DEG = 40.0
MAX_PITCH_DEG = 35.0


def mouth_measures(mesh: FaceMesh | None, pose: HeadPose | None, quality: Quality) -> Mouth:
    if mesh is None:
        return Mouth(opening=None, reason="no face")
    if not quality.usable:
        return Mouth(opening=None, reason="; ".join(quality.issues) or "frame not usable")
    points = mesh.points
    width_px = float(np.linalg.norm(points[_MOUTH_CORNERS[0], :2] - points[_MOUTH_CORNERS[1], :2]))
    if width_px < MIN_MOUTH_WIDTH_PX:
        return Mouth(opening=None, reason="face too small to read the lips", width_px=round(width_px, 1))
    if pose is None or abs(pose.yaw) > MAX_YAW_DEG or abs(pose.pitch) > MAX_PITCH_DEG:
        return Mouth(opening=None, reason="face turned too far to read the lips", width_px=round(width_px, 1))
    scale = float(np.linalg.norm(points[_EYE_CORNERS[0]] - points[_EYE_CORNERS[1]]))
    if scale <= 0:
        return Mouth(opening=None, reason="no face scale", width_px=round(width_px, 1))
    gaps = [float(np.linalg.norm(points[upper] - points[lower])) for upper, lower in _INNER_LIP_PAIRS]
    return Mouth(opening=round(float(np.mean(gaps)) / scale, 4), width_px=round(width_px, 1))
