"""Gaze direction from head pose plus the iris position within each eye, in IMAGE directions.

Where someone looks is where the head points plus how far the eyes turn within it. A head turned toward
the side while the eyes stay on the screen is still looking at the screen; a glance with a still head
shows only in the iris. Neither alone is enough, so the estimate adds the two angles.
"""

from __future__ import annotations

import math

import numpy as np

from interview_integrity.vision.landmarks import Eye, FaceMesh
from interview_integrity.vision.settings import VisionSettings
from interview_integrity.vision.signals import EyeMeasures, Gaze, HeadPose

# The iris turns on a circle of about 10.5 mm (the eye's centre of rotation sits ~13.5 mm behind the
# cornea, the iris plane ~3 mm behind it) and the eye opening is about 30 mm from corner to corner:
# an iris offset of d eye widths from the centre is a rotation of asin(d / 0.35).
_EYEBALL_RADIUS_IN_EYE_WIDTHS = 0.35
# The eye corners lie about 6 mm in front of the centre of rotation, 0.6 of the iris's 10.5 mm
# (the outer corner near the eyeball's equator, the inner one further forward). At-camera stills and
# honest videos with the head turned 20-30 degrees read at-camera with it; with the head's full yaw
# added (depth 1.0), 82 of 422 honest video seconds read away, with 0.6, 21.
_CANTHUS_DEPTH = 0.6
# Looking at the camera, the mean of both eyes' iris_x is 0.5 and the iris centre sits 0.065 eye widths
# above the corner line (median of 42 at-camera stills of the dev and fairness sets, and of the
# per-video medians of 17 honest videos).
_NEUTRAL_IRIS_X = 0.5
_NEUTRAL_IRIS_Y = -0.065
# The lids follow the iris down and cover its lower or upper edge, so the vertical iris offset reads
# short: it counts three quarters.
_VERTICAL_EYE_WEIGHT = 0.75
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


def gaze_yaw_deg(head_yaw: float, offset_in_eye_widths: float) -> float:
    """Sideways gaze from the head's yaw and the iris offset between the eye's corners (eye widths).

    The corners sit behind the iris, near the eye's centre of rotation, so when the head turns they
    shift in the image almost as far as the iris does: an eye that keeps looking at the camera from a
    turned head shows its iris near the middle of the opening. Head yaw therefore adds only the part
    of the turn the corners do not show, sin(yaw) x their depth (as a share of the iris radius).
    """
    yaw = math.radians(head_yaw)
    ratio = offset_in_eye_widths / _EYEBALL_RADIUS_IN_EYE_WIDTHS * math.cos(yaw) + _CANTHUS_DEPTH * math.sin(yaw)
    return math.degrees(math.asin(max(-1.0, min(1.0, ratio))))


def estimate_gaze(
    mesh: FaceMesh, pose: HeadPose | None, settings: VisionSettings, untrusted_reason: str | None = None
) -> Gaze:
    left, right = eye_measures(mesh.image_left_eye), eye_measures(mesh.image_right_eye)
    eye_width = mesh.eye_width_px
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
        head_vertical = pose.pitch + _PITCH_CORRECTION_DEG
        if head_vertical < -settings.gaze_down_deg:
            # lids nearly shut under a bowed head are eyes looking down (writing, reading a desk),
            # not closed: the head alone says down, with less confidence
            return Gaze(
                direction="down",
                confidence=0.6,
                horizontal_deg=round(gaze_yaw_deg(pose.yaw, 0.0), 1),
                vertical_deg=round(head_vertical, 1),
                reason="lids lowered: direction from the head alone",
                **raw,
            )
        return Gaze(direction="unknown", confidence=0.0, reason="eyes closed", **raw)
    eyes = [eye for eye in (left, right) if plausible(eye)]
    if not eyes:
        return Gaze(direction="unknown", confidence=0.0, reason="eyes occluded", **raw)
    iris_x = sum(eye.iris_x for eye in eyes) / len(eyes)
    iris_y = sum(eye.iris_y for eye in eyes) / len(eyes)
    horizontal = gaze_yaw_deg(pose.yaw, _NEUTRAL_IRIS_X - iris_x)
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
