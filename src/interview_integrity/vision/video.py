"""Frames of a recorded video, sampled at a chosen rate, upright, with their timestamps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2

from interview_integrity.vision.arrays import Array


class VideoError(ValueError):
    pass


@dataclass(frozen=True)
class VideoInfo:
    fps: float
    frame_count: int
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps if self.fps else 0.0


def _open(path: Path) -> cv2.VideoCapture:
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise VideoError(f"cannot open video {path}")
    # phone videos store portrait frames sideways with a rotation tag; OpenCV ignores it unless asked
    capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return capture


def video_info(path: Path) -> VideoInfo:
    capture = _open(path)
    try:
        return VideoInfo(
            fps=float(capture.get(cv2.CAP_PROP_FPS)) or 25.0,
            frame_count=int(capture.get(cv2.CAP_PROP_FRAME_COUNT)),
            width=int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            height=int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )
    finally:
        capture.release()


def sample_frames(path: Path, fps: float | None = None) -> Iterator[tuple[float, Array]]:
    """(timestamp in seconds, BGR frame), at most `fps` frames a second (all frames when None)."""
    capture = _open(path)
    native = float(capture.get(cv2.CAP_PROP_FPS)) or 25.0
    step = 1.0 / fps if fps else 0.0
    next_time = 0.0
    index = 0
    try:
        while True:
            ok = capture.grab()
            if not ok:
                break
            timestamp = index / native
            index += 1
            if timestamp + 1e-6 < next_time:
                continue
            ok, frame = capture.retrieve()
            if not ok:
                break
            next_time += step
            yield timestamp, frame
    finally:
        capture.release()
