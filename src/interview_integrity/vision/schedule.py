"""Which costly parts a frame of a stream runs, decided by the stream's own clock: the object detectors and
the face embedding.

A still, the first frame of a stream and any frame after a pause get every detector. After that a stream
looks for objects at least every `object_interval_s` of stream time whatever its frame rate (a frame runs
them when waiting for the next frame would leave a longer gap), and runs the costliest detectors at least
every `heavy_interval_s`. Streams started together would then all run their detectors on the same frames at
the same moment, so each stream has a phase (0-1) that brings its second heavy frame and its second object
frame forward by that share of an interval; the frames that follow keep their intervals from there. The phase
is a hash of the stream's first timestamp (`phase_of`): sessions timed on arrival come a few milliseconds
apart and get phases of their own, a stream whose first frame is at 0 (a replay) gets 0, and it is never drawn
from the session or from chance. So the plan depends only on the frames' timestamps: the same timestamps get
the same plan on every run and every replica, whatever the frames' encoding.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel

from interview_integrity.vision.settings import VisionSettings

Detect = Literal["none", "light", "all"]  # light: every detector but the costly ones (`heavy`)
_EPSILON = 1e-6


class StreamSchedule(BaseModel):
    """What the next frame of a stream needs to plan its costly parts. Kept with the session."""

    frame_at: float  # the stream's last frame
    objects_at: float  # its last frame with object detection
    heavy_at: float  # its last frame with every detector
    started_at: float = 0.0  # its first frame
    identity_at: float | None = None  # its last frame with a face embedding
    phase: float = 0.0  # how far forward its second costly frames come (0-1: a share of their interval)


def plan(schedule: StreamSchedule | None, timestamp: float, settings: VisionSettings) -> Detect:
    if schedule is None or timestamp - schedule.frame_at > settings.full_analysis_after_s:
        return "all"
    step = max(0.0, timestamp - schedule.frame_at)  # the best guess of when the next frame comes
    heavy, light = _offsets(schedule.phase, settings)
    if _due(schedule, schedule.heavy_at, heavy, timestamp, step, settings.heavy_interval_s):
        return "all"
    if _due(schedule, schedule.objects_at, light, timestamp, step, settings.object_interval_s):
        return "light"
    return "none"


def _offsets(phase: float, settings: VisionSettings) -> tuple[float, float]:
    """How long after its first frame a stream's second heavy frame and second object frame come (at most an
    interval): phase 0 is a whole interval; the object offset is the heavy one less whole object intervals, so
    the object frames that follow every object interval meet the heavy ones."""
    heavy = (1.0 - phase) * settings.heavy_interval_s
    interval = settings.object_interval_s
    return heavy, heavy - interval * max(0, math.ceil(heavy / interval - 1 - _EPSILON))


def _due(schedule: StreamSchedule, last: float, offset: float, timestamp: float, step: float, interval: float) -> bool:
    """Due when waiting for the next frame would leave more than `interval` since `last`; and, while nothing ran
    since the stream's first frame, at the first frame `offset` after it."""
    if timestamp + step - last > interval + _EPSILON:
        return True
    return last == schedule.started_at and timestamp - schedule.started_at >= offset - _EPSILON


def phase_of(first: float) -> float:
    """A stream's phase (0-1) from its first frame's timestamp, in whole microseconds, hashed so that times a
    millisecond apart fall far apart (Knuth's multiplicative hash); 0 at 0."""
    return (round(first * 1_000_000) * 2654435761 % 2**32) / 2**32


def identity_due(schedule: StreamSchedule | None, timestamp: float, settings: VisionSettings) -> bool:
    """A face embedding every `identity_every_s` of stream time, twice a second over the first
    `identity_enrol_s` (the session's candidate is enrolled from several frames)."""
    if schedule is None or schedule.identity_at is None:
        return True
    enrolling = timestamp - schedule.started_at < settings.identity_enrol_s
    every = settings.identity_enrol_every_s if enrolling else settings.identity_every_s
    return timestamp - schedule.identity_at >= every - _EPSILON


def advance(
    schedule: StreamSchedule | None, timestamp: float, detect: Detect, embedded: bool = False, phase: float = 0.0
) -> StreamSchedule:
    """The schedule after this frame; `phase` is taken from a stream's first frame (`phase_of`)."""
    objects_at = timestamp if detect != "none" or schedule is None else schedule.objects_at
    heavy_at = timestamp if detect == "all" or schedule is None else schedule.heavy_at
    identity_at = timestamp if embedded else None if schedule is None else schedule.identity_at
    started_at = timestamp if schedule is None else schedule.started_at
    return StreamSchedule(
        frame_at=timestamp, objects_at=objects_at, heavy_at=heavy_at, started_at=started_at, identity_at=identity_at,
        phase=phase if schedule is None else schedule.phase,
    )  # fmt: skip
