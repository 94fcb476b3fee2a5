"""Gaze direction from head pose plus the iris position within each eye, in IMAGE directions.

Where someone looks is where the head points plus how far the eyes turn within it. A head turned toward
the side while the eyes stay on the screen is still looking at the screen; a glance with a still head
shows only in the iris. Neither alone is enough, so the estimate adds the two angles.
"""

from __future__ import annotations

import math

import numpy as np

from interview_integrity.config import VisionSettings
from interview_integrity.vision.landmarks import Eye, FaceMesh
from interview_integrity.vision.signals import EyeMeasures, Gaze, HeadPose

# An eyeball's radius is about 0.4 of the eye's corner-to-corner width, so an iris offset of d eye
# widths from the centre is a rotation of asin(d / 0.4).
_EYEBALL_RADIUS_IN_EYE_WIDTHS = 0.4
# Looking at the camera, the mean of both eyes' iris_x is 0.5 and the iris centre sits 0.07 eye widths
# above the corner line (measured on 500 at-camera frames: honest videos and the fairness set).
_NEUTRAL_IRIS_X = 0.5
_NEUTRAL_IRIS_Y = -0.07
# The lids follow the iris down and cover it, so the vertical iris offset understates eye rotation and
# is noisy: it counts half.
_VERTICAL_EYE_WEIGHT = 0.5
# The generic 3D face reads a camera-facing head about 5 degrees low (same frames).
_PITCH_CORRECTION_DEG = 5.0
# An iris reading this far from where an iris can be is an occluded eye (a patch, a hand, glare).
_MAX_IRIS_Y_OFFSET = 0.18
_IRIS_X_RANGE = (0.1, 0.9)
# Beyond this yaw one eye is hidden behind the nose: trust the head alone.
_PROFILE_YAW_DEG = 50.0


def eye_measures(eye: Eye) -> EyeMeasures:
    axis = eye.corners[1] - eye.corners[0]
    width = float(np.linalg.norm(axis)) or 1.0
    unit = axis / width
    normal = np.array([-unit[1], unit[0]])  # points down in the image for an upright eye
    relative = eye.iris - eye.corners[0]
    openness = float(abs(np.dot(eye.lower - eye.upper, normal))) / width
    return EyeMeasures(
        iris_x=round(float(np.dot(relative, unit)) / width, 4),
        iris_y=round(float(np.dot(relative, normal)) / width, 4),
        openness=round(openness, 4),
    )


def plausible(eye: EyeMeasures) -> bool:
    """False for a reading no open, visible eye gives: the other eye alone is then used."""
    low, high = _IRIS_X_RANGE
    return low <= eye.iris_x <= high and abs(eye.iris_y - _NEUTRAL_IRIS_Y) <= _MAX_IRIS_Y_OFFSET


def eye_rotation_deg(offset_in_eye_widths: float) -> float:
    ratio = max(-1.0, min(1.0, offset_in_eye_widths / _EYEBALL_RADIUS_IN_EYE_WIDTHS))
    return math.degrees(math.asin(ratio))


def estimate_gaze(
    mesh: FaceMesh, pose: HeadPose | None, settings: VisionSettings, untrusted_reason: str | None = None
) -> Gaze:
    left, right = eye_measures(mesh.image_left_eye), eye_measures(mesh.image_right_eye)
    eye_width = min(mesh.image_left_eye.width, mesh.image_right_eye.width)
    raw = {"left_eye": left, "right_eye": right}
    if pose is None:
        return Gaze(direction="unknown", confidence=0.0, reason="head pose could not be solved", **raw)
    if abs(pose.yaw) >= _PROFILE_YAW_DEG:
        # one eye is hidden; a head turned this far is looking away whatever the eyes do
        direction = "left" if pose.yaw > 0 else "right"
        return Gaze(
            direction=direction,
            confidence=0.9,
            horizontal_deg=round(pose.yaw, 1),
            vertical_deg=round(pose.pitch + _PITCH_CORRECTION_DEG, 1),
            **raw,
        )
    if untrusted_reason:
        return Gaze(direction="unknown", confidence=0.0, reason=untrusted_reason, **raw)
    if eye_width < settings.gaze_min_eye_width_px:
        return Gaze(direction="unknown", confidence=0.0, reason="eyes too small to locate the iris", **raw)
    openness = (left.openness + right.openness) / 2
    if openness < settings.eyes_closed_openness:
        return Gaze(direction="unknown", confidence=0.0, reason="eyes closed", **raw)
    eyes = [eye for eye in (left, right) if plausible(eye)]
    if not eyes:
        return Gaze(direction="unknown", confidence=0.0, reason="eyes occluded", **raw)
    iris_x = sum(eye.iris_x for eye in eyes) / len(eyes)
    iris_y = sum(eye.iris_y for eye in eyes) / len(eyes)
    horizontal = pose.yaw + eye_rotation_deg(_NEUTRAL_IRIS_X - iris_x)
    vertical = pose.pitch + _PITCH_CORRECTION_DEG + _VERTICAL_EYE_WEIGHT * eye_rotation_deg(_NEUTRAL_IRIS_Y - iris_y)
    return classify(horizontal, vertical, settings, raw)


def classify(horizontal: float, vertical: float, settings: VisionSettings, raw: dict[str, EyeMeasures]) -> Gaze:
    """Direction from gaze angles; the confidence grows with the distance from the nearest boundary."""
    side = abs(horizontal) - settings.gaze_horizontal_deg
    down = -vertical - settings.gaze_down_deg
    up = vertical - settings.gaze_up_deg
    margin, direction = max(
        (side, "left" if horizontal > 0 else "right"),
        (down, "down"),
        (up, "up"),
    )
    if margin <= 0:
        direction, margin = "center", -margin
    confidence = round(min(0.95, 0.5 + margin / 20.0), 3)
    return Gaze(
        direction=direction,
        confidence=confidence,
        horizontal_deg=round(horizontal, 1),
        vertical_deg=round(vertical, 1),
        **raw,
    )
