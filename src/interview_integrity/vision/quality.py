"""Frame and face quality: can the signals of this frame be trusted?

Exposure is judged on the bright end of the face (its 90th luma percentile), not on its mean: a
dark-skinned face in normal light has highlights and is not "too dark"; an underexposed face has none.
"""

from __future__ import annotations

import cv2
import numpy as np

from interview_integrity.config import VisionSettings
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.signals import Box, Quality

_SHARPNESS_WIDTH = 320  # blur is measured at a fixed scale so the number means the same for any frame size


def frame_quality(gray: Array, face: Box | None, settings: VisionSettings) -> Quality:
    height, width = gray.shape[:2]
    brightness = float(gray.mean())
    contrast = float(gray.std())
    small = (
        gray
        if width <= _SHARPNESS_WIDTH
        else cv2.resize(
            gray, (_SHARPNESS_WIDTH, round(height * _SHARPNESS_WIDTH / width)), interpolation=cv2.INTER_AREA
        )
    )
    sharpness = float(cv2.Laplacian(small, cv2.CV_64F).var())
    issues: list[str] = []
    if brightness < settings.dark_brightness and float(np.percentile(gray, 95)) < 2 * settings.dark_brightness:
        issues.append("frame too dark")
    elif contrast < settings.min_contrast:
        issues.append("camera covered or blank (no contrast)")
    if sharpness < settings.min_sharpness and not issues:
        issues.append("frame too blurred")
    face_size = face_exposure = None
    if face is not None:
        face_size = round(face.height / height, 4)
        x0, y0 = max(0, int(face.x)), max(0, int(face.y))
        region = gray[y0 : int(face.y + face.height), x0 : int(face.x + face.width)]
        if region.size:
            face_exposure = round(float(np.percentile(region, 90)), 1)
            if face_exposure < settings.dark_brightness and "frame too dark" not in issues:
                issues.append("face too dark")
    return Quality(
        brightness=round(brightness, 1),
        contrast=round(contrast, 1),
        sharpness=round(sharpness, 1),
        face_size=face_size,
        face_brightness=face_exposure,
        usable=not issues,
        issues=issues,
    )
