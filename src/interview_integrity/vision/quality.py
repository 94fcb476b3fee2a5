"""Frame and face quality: can the signals of this frame be trusted?

Exposure is judged on the bright end of the face (its 90th luma percentile), not on its mean: a
dark-skinned face in normal light has highlights and is not "too dark"; an underexposed face has none.

Blur is judged on the face when there is one, at a fixed face size: gaze depends on the face's
pixels, and a sharp face in front of a plain or dark backdrop has a low whole-frame sharpness that
said nothing about it (a studio portrait on black read "too blurred").
"""

from __future__ import annotations

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.settings import VisionSettings
from interview_integrity.vision.signals import Box, Quality

# blur is measured at a fixed scale so the number means the same for any frame or face size
_SHARPNESS_WIDTH = 320
_FACE_SHARPNESS_WIDTH = 128


def _sharpness(gray: Array, width: int) -> float:
    height = max(1, round(gray.shape[0] * width / gray.shape[1]))
    interpolation = cv2.INTER_AREA if gray.shape[1] > width else cv2.INTER_LINEAR
    return float(cv2.Laplacian(cv2.resize(gray, (width, height), interpolation=interpolation), cv2.CV_64F).var())


def _face_region(gray: Array, face: Box | None) -> Array:
    if face is None:
        return gray[:0]
    x0, y0 = max(0, int(face.x)), max(0, int(face.y))
    return gray[y0 : int(face.y + face.height), x0 : int(face.x + face.width)]


def frame_quality(gray: Array, face: Box | None, settings: VisionSettings) -> Quality:
    height, width = gray.shape[:2]
    mean, spread = cv2.meanStdDev(gray)  # one pass; numpy's mean and std take 30x longer on a 640x480 frame
    brightness, contrast = float(mean[0, 0]), float(spread[0, 0])
    issues: list[str] = []
    if brightness < settings.dark_brightness and float(np.percentile(gray, 95)) < 2 * settings.dark_brightness:
        issues.append("frame too dark")
    elif contrast < settings.min_contrast:
        issues.append("camera covered or blank (no contrast)")
    face_size = face_exposure = None
    region = _face_region(gray, face)
    if face is not None and region.size:
        face_size = round(face.height / height, 4)
        face_exposure = round(float(np.percentile(region, 90)), 1)
        if face_exposure < settings.dark_brightness and "frame too dark" not in issues:
            issues.append("face too dark")
        # never upscaled: a small face enlarged looks blurred whatever the camera did
        sharpness = _sharpness(region, min(region.shape[1], _FACE_SHARPNESS_WIDTH))
        if sharpness < settings.min_face_sharpness and not issues:
            issues.append("face too blurred")
    else:
        sharpness = _sharpness(gray, min(width, _SHARPNESS_WIDTH))
        if sharpness < settings.min_sharpness and not issues:
            issues.append("frame too blurred")
    return Quality(
        brightness=round(brightness, 1),
        contrast=round(contrast, 1),
        sharpness=round(sharpness, 1),
        face_size=face_size,
        face_brightness=face_exposure,
        usable=not issues,
        issues=issues,
    )
