"""Frames from a live media track (WebRTC): which ones to analyse, their pixels, and a sound frame's samples.

A track delivers every frame the camera makes (often 30 a second); a session analyses a few. The choice is
made by the track's own timestamps, never by when a frame happened to arrive, so the same track gives the
same frames on every run, and a burst after a network stall is not analysed twice over.
"""

from __future__ import annotations

import math
from typing import Protocol

import cv2
import numpy as np
from av import AudioFrame

from interview_integrity.vision.arrays import Array

_EPSILON = 1e-6


class VideoFrame(Protocol):
    """What is read of a decoded frame (av.VideoFrame is one)."""

    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...

    def to_ndarray(self, *, format: str) -> Array: ...


class FrameSampler:
    """Picks frames at `fps` of track time and places them on the session's clock.

    `origin_s` is where the track's first frame lands on the session's clock; a later frame lands at
    `origin_s` plus its track time since the first one. Frames are taken on a fixed grid (0, 1/fps, 2/fps, ...)
    so rounding never drifts: a 30 fps track sampled at 5 fps gives exactly every sixth frame.
    """

    def __init__(self, fps: float, origin_s: float) -> None:
        if not fps > 0:
            raise ValueError("fps must be positive")
        self.fps = fps
        self.origin_s = origin_s
        self._first: float | None = None
        self._last = -math.inf
        self._due = 0.0

    def take(self, media_time_s: float) -> float | None:
        """The session time of this frame if it is to be analysed, else None."""
        if self._first is None:
            self._first = media_time_s
        since = media_time_s - self._first
        if since <= self._last or since + _EPSILON < self._due:
            return None  # a repeated or earlier timestamp (a retransmission), or not yet due
        self._last = since
        self._due = (math.floor(since * self.fps + _EPSILON) + 1) / self.fps
        return self.origin_s + since


def pixels(frame: VideoFrame, max_side: int) -> Array:
    """The frame as BGR pixels, its longer side scaled down to `max_side` (a 4K track costs a 720p one)."""
    image = frame.to_ndarray(format="bgr24")
    longest = max(frame.width, frame.height)
    if longest <= max_side:
        return image
    scale = max_side / longest
    size = (max(1, round(frame.width * scale)), max(1, round(frame.height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def interleaved(frame: AudioFrame) -> Array:
    """A decoded sound frame's 16-bit samples, channels interleaved (Opus decodes to packed s16)."""
    samples = frame.to_ndarray()
    if frame.format.is_planar:
        samples = samples.T
    if samples.dtype != np.int16:
        samples = (np.clip(samples.astype(np.float32), -1.0, 1.0) * 32767).astype(np.int16)
    return np.ascontiguousarray(samples).reshape(-1)
