"""A live camera: `stream_frozen`, `stream_replayed`, `no_liveness`, and the camera the client reports
(`virtual_camera`, `camera_changed`).

- Frozen: the picture has not moved beyond `frozen_max_change` (vision/signature.py) for `frozen_s` while
  frames keep arriving: a hung camera, or one showing a still image.
- Replayed: a run of frames whose picture hashes match, one by one and in order, the frames of one earlier
  moment of the session (a lag of at least `replay_lag_s`) for `replay_min_s`, while the picture moves: a
  looped recording. A still candidate matches their own past too, which is why the run must move (its
  hashes drift at least `MOVING_BITS` apart). The hashes of the last `HISTORY_S` are kept, at most four a
  second: about ten kilobytes.
- No liveness (off by default: policy `enabled_rules`): the face showed no blink (an eye openness under
  two thirds of the candidate's usual one, or eyes reported closed) for `no_liveness_s`: a photo held up.
- The camera: the client reports its camera's label when the session starts and when it changes. A label
  of a known virtual camera (OBS, ManyCam, Snap Camera, XSplit, ...) is `virtual_camera` (low); another
  camera than the first is `camera_changed` (low). The report names every camera used.
"""

from __future__ import annotations

import statistics

from pydantic import BaseModel, Field

from interview_integrity.analysis.rules.base import Frame
from interview_integrity.analysis.timeline import Condition, Timeline, fixed
from interview_integrity.vision.signature import hamming

HISTORY_S = 150.0
KEEP_EVERY_S = 0.25
MOVING_BITS = 10
LAG_TOLERANCE_S = 0.45
MAX_RUNS = 6
VIRTUAL_CAMERAS = (
    "obs", "manycam", "snap camera", "xsplit", "splitcam", "virtual", "vcam", "youcam", "camtwist", "mmhmm",
    "vmix", "ndi", "fake",
)  # fmt: skip


class Run(BaseModel):
    lag: float
    since: float
    frames: int = 1
    first_hash: int
    drift: int = 0  # the largest hash distance from the run's first frame: how much the picture moved


class Camera(BaseModel):
    still_since: float | None = None
    still_change: float = 0.0
    hashes: list[tuple[float, int]] = Field(default_factory=list)
    runs: list[Run] = Field(default_factory=list)
    openness: list[float] = Field(default_factory=list)
    blinked_at: float | None = None
    cameras: list[str] = Field(default_factory=list)


def is_virtual(label: str) -> bool:
    lowered = label.lower()
    return any(name in lowered for name in VIRTUAL_CAMERAS)


class CameraRule:
    name = "camera"

    def observe(self, frame: Frame, timeline: Timeline) -> None:
        state = frame.state(self.name, Camera)
        signature = frame.signals.signature
        t = frame.policy.thresholds
        if signature is None:
            return
        frozen = self._frozen(state, signature.change, frame.now, t.frozen_max_change)
        timeline.sustain(
            "stream_frozen",
            frozen,
            minimum=t.frozen_s,
            confidence=0.9,
            severity=fixed("medium"),
            basis={"unchanged_s": round(frame.now - state.still_since, 1), "max_change": state.still_change}
            if frozen and state.still_since is not None
            else None,
        )
        run = self._replay(state, signature.dhash, frame.now, t.replay_lag_s, t.replay_max_bits)
        replayed: Condition = run is not None and frame.now - run.since >= t.replay_min_s
        timeline.sustain(
            "stream_replayed",
            replayed,
            minimum=0.0,
            confidence=0.9,
            severity=fixed("high"),
            detail="" if run is None else f"{run.lag:.0f} s earlier",
            basis={"lag_s": round(run.lag, 1), "frames": run.frames, "max_bits": t.replay_max_bits}
            if replayed and run is not None
            else None,
        )
        if frame.policy.enabled("no_liveness"):
            alive = self._liveness(state, frame)
            timeline.sustain(
                "no_liveness",
                alive,
                minimum=0.0,
                confidence=0.6,
                severity=fixed("low"),
                basis={"no_blink_s": round(frame.now - state.blinked_at, 1)} if alive and state.blinked_at else None,
            )

    @staticmethod
    def _frozen(state: Camera, change: float | None, now: float, max_change: float) -> Condition:
        if change is None:
            return None
        if change > max_change:
            state.still_since, state.still_change = None, 0.0
            return False
        if state.still_since is None:
            state.still_since = now
        state.still_change = max(state.still_change, change)
        return True

    @staticmethod
    def _replay(state: Camera, dhash: int, now: float, min_lag: float, max_bits: int) -> Run | None:
        """The longest moving run of frames that repeat, in order, the frames of one earlier moment."""
        lags = [now - t for t, h in state.hashes if now - t >= min_lag and hamming(h, dhash) <= max_bits]
        runs: list[Run] = []
        for run in state.runs:
            near = [lag for lag in lags if abs(lag - run.lag) <= LAG_TOLERANCE_S]
            if near:
                lag = min(near, key=lambda candidate: abs(candidate - run.lag))
                runs.append(run.model_copy(update={
                    "lag": lag, "frames": run.frames + 1, "drift": max(run.drift, hamming(run.first_hash, dhash)),
                }))  # fmt: skip
        for lag in lags:
            if len(runs) < MAX_RUNS and all(abs(lag - run.lag) > LAG_TOLERANCE_S for run in runs):
                runs.append(Run(lag=lag, since=now, first_hash=dhash))
        state.runs = runs
        if not state.hashes or now - state.hashes[-1][0] >= KEEP_EVERY_S:
            state.hashes.append((now, dhash))
        state.hashes = [(t, h) for t, h in state.hashes if now - t <= HISTORY_S]
        moving = [run for run in runs if run.drift >= MOVING_BITS]
        return min(moving, key=lambda run: run.since) if moving else None

    @staticmethod
    def _liveness(state: Camera, frame: Frame) -> Condition:
        gaze, signals = frame.signals.gaze, frame.signals
        if signals.faces.count != 1 or not signals.quality.usable:
            return None
        state.blinked_at = frame.now if state.blinked_at is None else state.blinked_at
        eyes = [e.openness for e in (gaze.left_eye, gaze.right_eye) if e is not None]
        closed = gaze.reason == "eyes closed"
        if eyes:
            openness = statistics.fmean(eyes)
            usual = statistics.median(state.openness) if state.openness else openness
            state.openness = [*state.openness, round(openness, 3)][-50:]
            closed = closed or openness < 2 / 3 * usual
        elif not closed:
            return None
        if closed:
            state.blinked_at = frame.now
        return frame.now - state.blinked_at >= frame.policy.thresholds.no_liveness_s


def reported_camera(state: Camera, label: str, timeline: Timeline, at: float) -> None:
    """The camera label a client reported: recorded, and an event when it is virtual or another one."""
    label = label.strip()[:120] or "unnamed camera"
    if state.cameras and state.cameras[-1] == label:
        return
    changed = bool(state.cameras)
    state.cameras.append(label)
    if changed and timeline.policy.enabled("camera_changed"):
        timeline.instant("camera_changed", at, confidence=1.0, severity="low", detail=label, basis={"label": label})
    if is_virtual(label) and timeline.policy.enabled("virtual_camera"):
        timeline.instant("virtual_camera", at, confidence=0.9, severity="low", detail=label, basis={"label": label})
