"""Which costly parts a frame of a stream runs, decided by the stream's own clock: the object detectors and
the face embedding.

A still, the first frame of a stream and any frame after a pause get every detector. After that a stream
looks for objects at least every `object_interval_s` of stream time whatever its frame rate (a frame runs
them when waiting for the next frame would leave a longer gap), and runs the costliest detectors at least
every `heavy_interval_s`. The plan depends only on the frames' timestamps, so the same frames with the
same timestamps get the same plan on every run and every replica; sessions spread their load because they
start at different moments, not because some of their frames are skipped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from interview_integrity.config import VisionSettings

Detect = Literal["none", "light", "all"]  # light: every detector but the costly ones (`heavy`)
_EPSILON = 1e-6


class StreamSchedule(BaseModel):
    """What the next frame of a stream needs to plan its costly parts. Kept with the session."""

    frame_at: float  # the stream's last frame
    objects_at: float  # its last frame with object detection
    heavy_at: float  # its last frame with every detector
    started_at: float = 0.0  # its first frame
    identity_at: float | None = None  # its last frame with a face embedding


def plan(schedule: StreamSchedule | None, timestamp: float, settings: VisionSettings) -> Detect:
    if schedule is None or timestamp - schedule.frame_at > settings.full_analysis_after_s:
        return "all"
    step = max(0.0, timestamp - schedule.frame_at)  # the best guess of when the next frame comes
    if timestamp + step - schedule.heavy_at > settings.heavy_interval_s + _EPSILON:
        return "all"
    if timestamp + step - schedule.objects_at > settings.object_interval_s + _EPSILON:
        return "light"
    return "none"


def identity_due(schedule: StreamSchedule | None, timestamp: float, settings: VisionSettings) -> bool:
    """A face embedding every `identity_every_s` of stream time, twice a second over the first
    `identity_enrol_s` (the session's candidate is enrolled from several frames)."""
    if schedule is None or schedule.identity_at is None:
        return True
    enrolling = timestamp - schedule.started_at < settings.identity_enrol_s
    every = settings.identity_enrol_every_s if enrolling else settings.identity_every_s
    return timestamp - schedule.identity_at >= every - _EPSILON


def advance(
    schedule: StreamSchedule | None, timestamp: float, detect: Detect, embedded: bool = False
) -> StreamSchedule:
    objects_at = timestamp if detect != "none" or schedule is None else schedule.objects_at
    heavy_at = timestamp if detect == "all" or schedule is None else schedule.heavy_at
    identity_at = timestamp if embedded else None if schedule is None else schedule.identity_at
    started_at = timestamp if schedule is None else schedule.started_at
    return StreamSchedule(
        frame_at=timestamp, objects_at=objects_at, heavy_at=heavy_at, started_at=started_at, identity_at=identity_at
    )
