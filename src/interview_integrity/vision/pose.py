"""Head pose from six mesh points and a generic 3D face (cv2.solvePnP)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.signals import HeadPose

# mesh index -> generic face point in mm; x toward image-right, y down, z away from the camera
_MESH_POINTS = (1, 152, 33, 263, 61, 291)
_MODEL_MM = np.array(
    [
        (0.0, 0.0, 0.0),  # nose tip
        (0.0, 63.6, 12.5),  # chin
        (-43.3, -32.7, 26.0),  # image-left eye, outer corner
        (43.3, -32.7, 26.0),  # image-right eye, outer corner
        (-28.9, 28.9, 24.1),  # image-left mouth corner
        (28.9, 28.9, 24.1),  # image-right mouth corner
    ]
)
_EYE_SPAN_MM = 86.6


def head_pose(points: Array, frame_width: int, frame_height: int) -> HeadPose | None:
    """Yaw, pitch and roll in degrees, or None when the solver fails."""
    image_points = points[list(_MESH_POINTS), :2].astype(np.float64)
    centre = image_points.mean(axis=0)
    focal = float(max(frame_width, frame_height))
    # principal point on the face: angles are measured against the line of sight to the face
    camera = np.array([[focal, 0, centre[0]], [0, focal, centre[1]], [0, 0, 1]], dtype=np.float64)
    eye_span_px = float(np.linalg.norm(image_points[3] - image_points[2])) or 1.0
    # start in front of the camera, facing it: without a guess the solver can return the mirror image
    guess_rotation = np.zeros((3, 1))
    guess_translation = np.array([[0.0], [0.0], [focal * _EYE_SPAN_MM / eye_span_px]])
    ok, rvec, tvec = cv2.solvePnP(
        _MODEL_MM,
        image_points,
        camera,
        np.zeros(4),
        guess_rotation,
        guess_translation,
        useExtrinsicGuess=True,
        flags=cv2.SOLVEPNP_ITERATIVE,
    )
    if not ok or float(np.asarray(tvec)[2, 0]) <= 0:
        return None
    rotation = np.asarray(cv2.Rodrigues(rvec)[0])
    forward = rotation @ np.array([0.0, 0.0, -1.0])  # from the face toward the camera when frontal
    up = rotation @ np.array([0.0, -1.0, 0.0])
    yaw = math.degrees(math.atan2(-forward[0], -forward[2]))
    pitch = math.degrees(math.atan2(-forward[1], math.hypot(forward[0], forward[2])))
    roll = math.degrees(math.atan2(up[0], -up[1]))
    return HeadPose(yaw=round(yaw, 2), pitch=round(pitch, 2), roll=round(roll, 2))
