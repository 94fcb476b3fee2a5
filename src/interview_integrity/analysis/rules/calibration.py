"""The candidate's own resting gaze and head pose, whatever the camera angle, kept up to date slowly.

- The baseline is the median gaze (horizontal, vertical) and head yaw of the candidate's resting frames: one
  sample a second over the last `calibration_window_s`, taken from the first `calibration_s` of frames with
  a face on, at any camera angle. Attention rules wait until it is complete.
- Only resting samples (those within the away limits of the baseline) feed it, so looking away never moves
  it. But when every sample has departed for `rebaseline_after_s` on end (the laptop or the camera was
  moved; a look at notes returns to the screen now and then), the departed pose becomes the new baseline:
  nobody is "away" for ever.
- The candidate's spread is how much their readings jitter from one frame to the next (1.048 x the median
  absolute difference of successive readings: the standard deviation of one reading's noise). An oblique
  camera reads the eyes less steadily; the away limits widen to `departure_spreads` of it where that is more
  than the fixed angles, so noise is not taken for a look.
- Gaze cannot be assessed, and is never called away, while the baseline says the camera sees the face too
  obliquely (median yaw beyond `oblique_yaw_deg`: a webcam beside the monitor, a face in profile) or while
  the eyes cannot be read in most frames (too small, too dark, covered). The reason goes to the
  start-of-session check, the client and the report, so the candidate can be asked to move the camera.
- The same rule keeps the start-of-session check's counts (face found, frames usable).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from pydantic import BaseModel, Field

from interview_integrity.analysis.policy import Thresholds
from interview_integrity.analysis.rules.base import Frame
from interview_integrity.analysis.timeline import Timeline

SAMPLE_EVERY_S = 1.0
MIN_SAMPLES = 3
MIN_SPREAD_DEG = 2.0  # below this, jitter is the estimator's resolution, not the candidate's
JITTER_TO_SIGMA = 1.048  # median |x1 - x2| of two readings of N(0, s^2) is 0.954 s
JITTER_KEPT = 60
JITTER_MAX_GAP_S = 0.5  # successive readings further apart than this differ by movement, not noise
READABLE_SHARE = 0.5  # gaze is assessable when the eyes are read in at least half the resting samples


class Sample(BaseModel):
    t: float
    horizontal: float | None
    vertical: float | None
    yaw: float


@dataclass(frozen=True)
class Limits:
    """How far from the baseline a reading must be to count as away, in degrees."""

    sideways: float
    down: float
    up: float
    turn: float


class Baseline(BaseModel):
    samples: list[Sample] = Field(default_factory=list, description="Resting samples, one a second.")
    departed: list[Sample] = Field(default_factory=list, description="Samples away since the last resting one.")
    horizontal: float | None = None
    vertical: float | None = None
    yaw: float | None = None
    jitter: dict[str, list[float]] = Field(default_factory=dict)
    last_reading: Sample | None = None
    complete: bool = False
    collected_s: float = 0.0
    rebaselined_at: list[float] = Field(default_factory=list)
    gaze_reason: str | None = Field(None, description="Why gaze cannot be assessed now; None when it can.")
    unread_reasons: dict[str, int] = Field(default_factory=dict)
    # the start-of-session check: the first calibration_s of the session
    check_frames: int = 0
    check_face_frames: int = 0
    check_usable_frames: int = 0
    check_issues: dict[str, int] = Field(default_factory=dict)

    @property
    def gaze_assessable(self) -> bool:
        return self.complete and self.gaze_reason is None and self.horizontal is not None

    def spread(self, axis: str) -> float:
        values = self.jitter.get(axis, [])
        return max(MIN_SPREAD_DEG, JITTER_TO_SIGMA * statistics.median(values)) if values else MIN_SPREAD_DEG

    def limits(self, t: Thresholds) -> Limits:
        z = t.departure_spreads
        return Limits(
            sideways=max(t.gaze_away_deg, z * self.spread("horizontal")),
            down=max(t.gaze_down_deg, z * self.spread("vertical")),
            up=max(t.gaze_away_deg, z * self.spread("vertical")),
            turn=max(t.head_turn_deg, z * self.spread("yaw")),
        )

    def departs(self, sample: Sample, t: Thresholds) -> bool:
        if self.yaw is None:
            return False
        limits = self.limits(t)
        if abs(sample.yaw - self.yaw) > limits.turn:
            return True
        if sample.horizontal is None or sample.vertical is None or self.horizontal is None or self.vertical is None:
            return False
        v = sample.vertical - self.vertical
        return abs(sample.horizontal - self.horizontal) > limits.sideways or v < -limits.down or v > limits.up


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


class Calibration:
    name = "calibration"

    def observe(self, frame: Frame, timeline: Timeline) -> None:
        base = frame.state(self.name, Baseline)
        signals, t = frame.signals, frame.policy.thresholds
        if not base.complete or frame.now - (frame.session.first_timestamp or frame.now) < t.calibration_s:
            self._count_check(base, frame)
        pose, gaze = signals.head_pose, signals.gaze
        if pose is None or signals.faces.count != 1 or not signals.quality.usable:
            return
        known = gaze.direction != "unknown" and gaze.horizontal_deg is not None and gaze.vertical_deg is not None
        if not known and gaze.reason:
            base.unread_reasons[gaze.reason] = base.unread_reasons.get(gaze.reason, 0) + 1
        reading = Sample(
            t=frame.now,
            horizontal=gaze.horizontal_deg if known else None,
            vertical=gaze.vertical_deg if known else None,
            yaw=pose.yaw,
        )
        self._jitter(base, reading)
        base.collected_s += frame.dt
        last = base.departed[-1] if base.departed else base.samples[-1] if base.samples else None
        if last is not None and frame.now - last.t < SAMPLE_EVERY_S:
            return
        if base.complete and base.departs(reading, t):
            base.departed.append(reading)
            self._maybe_rebaseline(base, frame)
        else:
            base.samples.append(reading)
            base.departed = []
        base.samples = [s for s in base.samples if frame.now - s.t <= t.calibration_window_s]
        if not base.complete and (base.collected_s < t.calibration_s or len(base.samples) < MIN_SAMPLES):
            return
        base.complete = True
        self._update(base, t)

    @staticmethod
    def _jitter(base: Baseline, reading: Sample) -> None:
        previous, base.last_reading = base.last_reading, reading
        if previous is None or reading.t - previous.t > JITTER_MAX_GAP_S:
            return
        pairs = {"yaw": (reading.yaw, previous.yaw), "horizontal": (reading.horizontal, previous.horizontal),
                 "vertical": (reading.vertical, previous.vertical)}  # fmt: skip
        for axis, (now, before) in pairs.items():
            if now is not None and before is not None:
                base.jitter[axis] = [*base.jitter.get(axis, []), round(abs(now - before), 2)][-JITTER_KEPT:]

    @staticmethod
    def _maybe_rebaseline(base: Baseline, frame: Frame) -> None:
        departed = base.departed
        if departed[-1].t - departed[0].t >= frame.policy.thresholds.rebaseline_after_s:
            base.samples, base.departed = departed, []
            base.rebaselined_at.append(frame.now)

    @staticmethod
    def _update(base: Baseline, t: Thresholds) -> None:
        base.yaw = _median([s.yaw for s in base.samples])
        read = [s for s in base.samples if s.horizontal is not None and s.vertical is not None]
        if len(read) >= MIN_SAMPLES:
            base.horizontal = _median([s.horizontal for s in read if s.horizontal is not None])
            base.vertical = _median([s.vertical for s in read if s.vertical is not None])
        if base.yaw is not None and abs(base.yaw) > t.oblique_yaw_deg:
            side = "image-left" if base.yaw > 0 else "image-right"
            base.gaze_reason = (
                f"the camera sees the face from the side ({abs(base.yaw):.0f} degrees toward {side}), too obliquely "
                "to read the eyes; place the camera in front of you"
            )
        elif len(read) < max(MIN_SAMPLES, READABLE_SHARE * len(base.samples)):
            common = Counter(base.unread_reasons).most_common(1)
            why = common[0][0] if common else "the eyes could not be located"
            base.gaze_reason = f"the eyes cannot be read in most frames ({why})"
        else:
            base.gaze_reason = None

    @staticmethod
    def _count_check(base: Baseline, frame: Frame) -> None:
        signals = frame.signals
        base.check_frames += 1
        base.check_face_frames += signals.faces.count >= 1
        base.check_usable_frames += signals.quality.usable
        for issue in signals.quality.issues:
            base.check_issues[issue] = base.check_issues.get(issue, 0) + 1
