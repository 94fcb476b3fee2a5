"""Synthetic FrameSignals for narrow rule tests (real replays live in test_replay.py)."""

from __future__ import annotations

import numpy as np

from interview_integrity.vision.signals import (
    Box,
    DetectedObject,
    Face,
    Faces,
    FaceTrack,
    FrameSignals,
    Gaze,
    HeadPose,
    Quality,
)
from interview_integrity.vision.signature import motion_thumbnail


def frame(
    t: float,
    *,
    faces: int = 1,
    h: float = 0.0,
    v: float = 0.0,
    yaw: float = 0.0,
    direction: str = "center",
    usable: bool = True,
    objects: tuple[str, ...] = (),
    object_size: float = 80.0,
    at: tuple[float, float] = (300.0, 300.0),
    analyzed: bool = True,
    second_look: float | None = None,
) -> FrameSignals:
    boxes = [Face(box=Box(x=100 + 150 * i, y=100, width=100, height=100), confidence=0.9) for i in range(faces)]
    known = faces > 0 and usable and direction != "unknown"
    return FrameSignals(
        timestamp=t,
        width=640,
        height=480,
        faces=Faces(count=faces, boxes=boxes, primary_index=0 if faces else None),
        head_pose=HeadPose(yaw=yaw, pitch=0.0, roll=0.0) if faces else None,
        gaze=Gaze(
            direction=direction if known else "unknown",  # type: ignore[arg-type]
            confidence=0.8 if known else 0.0,
            horizontal_deg=h if known else None,
            vertical_deg=v if known else None,
        ),
        objects=[
            DetectedObject(
                label=label,
                confidence=0.6,
                box=Box(x=at[0], y=at[1], width=object_size, height=object_size),
                partial=False,
                second_look=second_look if label == "cell phone" else None,
            )
            for label in objects
        ],
        objects_analyzed=analyzed,
        quality=Quality(
            brightness=120, contrast=50, sharpness=100, usable=usable, issues=[] if usable else ["frame too dark"]
        ),
    )


def with_picture(signals: FrameSignals, gray: np.ndarray) -> FrameSignals:
    """The frame carrying the grey thumbnail of `gray` (640x480), as the analyzer's frames do."""
    track = FaceTrack(
        timestamp=signals.timestamp, searched_at=signals.timestamp, width=signals.width, height=signals.height,
        faces=[], thumbnail=[0] * 192, motion=motion_thumbnail(gray),
    )  # fmt: skip
    return signals.model_copy(update={"track": track})
