"""Evidence thumbnails: the frame, downscaled, with the detections drawn. Made only when switched on."""

from __future__ import annotations

import cv2

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.signals import FrameSignals

THUMBNAIL_WIDTH = 320
_FACE = (80, 200, 80)
_OBJECT = (0, 140, 255)


def evidence_jpeg(image: Array, signals: FrameSignals, quality: int = 70) -> bytes:
    scale = min(1.0, THUMBNAIL_WIDTH / image.shape[1])
    thumb = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image.copy()
    # boxes are in the analysed frame's coordinates, which are the original frame's
    for face in signals.faces.boxes:
        b = face.box
        cv2.rectangle(
            thumb,
            (int(b.x * scale), int(b.y * scale)),
            (int((b.x + b.width) * scale), int((b.y + b.height) * scale)),
            _FACE,
            2,
        )
    for obj in signals.objects:
        b = obj.box
        top_left = (int(b.x * scale), int(b.y * scale))
        cv2.rectangle(thumb, top_left, (int((b.x + b.width) * scale), int((b.y + b.height) * scale)), _OBJECT, 2)
        label = f"{obj.label} {obj.confidence:.2f}"
        cv2.putText(
            thumb,
            label,
            (top_left[0] + 2, max(12, top_left[1] - 4)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.4,
            _OBJECT,
            1,
            cv2.LINE_AA,
        )
    ok, buffer = cv2.imencode(".jpg", thumb, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("the evidence thumbnail could not be encoded")
    return bytes(buffer.tobytes())
