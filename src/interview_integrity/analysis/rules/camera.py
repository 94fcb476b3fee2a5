"""A live camera: `stream_frozen`, `stream_replayed`, `no_liveness`, and the camera the client reports
(`virtual_camera`, `camera_changed`).

- Frozen: the picture has not moved beyond `frozen_max_change` (vision/signature.py) for `frozen_s` while
  frames keep arriving: a hung camera, or one showing a still image.
- Replayed: the last `replay_min_s` of frames match, one by one and in order, the frames of one fixed
  earlier moment of the session (a lag of at least `replay_lag_s`) much more closely than they differ from
  each other (`replay_match_ratio` of their own motion, in bits of a 256-bit hash), while the picture moves
  (`replay_min_motion_bits` a frame): a looped recording. A live candidate resembles their own past (the
  same pose, the same background) but never tracks it frame by frame at a fixed lag; a still picture
  matches its past without moving, which is why stillness is never called a replay. Measured on every
  honest clip (no frame flagged in 1,700) and on loops assembled from them, sampled on and off phase
  (scripts/measure/replay_runs.py). The hashes of the last `HISTORY_S` are kept, at most five a second
  (about 20 KB): loops longer than a minute are not recognised.
- No liveness (off by default: policy `enabled_rules`): the face showed no blink (an eye openness under
  two thirds of the candidate's usual one, or eyes reported closed) for `no_liveness_s`: a photo held up.
- The camera: the client reports its camera's label when the session starts and when it changes. A label
  of a known virtual camera (OBS, ManyCam, Snap Camera, XSplit, ...) is `virtual_camera` (low); another
  camera than the first is `camera_changed` (low). The report names every camera used.
"""

from __future__ import annotations

import bisect
import statistics

from pydantic import BaseModel, Field

from interview_integrity.analysis.measures import hash_distance as distance
from interview_integrity.analysis.policy import Thresholds
from interview_integrity.analysis.rules.base import Frame, rule_state
from interview_integrity.analysis.state import SessionState
from interview_integrity.analysis.timeline import Condition, Timeline, fixed

HISTORY_S = 60.0
KEEP_EVERY_S = 0.19  # five a second: the analysis rate of a stream
CANDIDATE_LAGS = 6  # the earlier frames most like this one, whose lags are checked
MOST_FRAMES = 0.8  # the share of a replayed stretch's frames that must each match closer than they move
VIRTUAL_CAMERAS = (
    "obs", "manycam", "snap camera", "xsplit", "splitcam", "virtual", "vcam", "youcam", "camtwist", "mmhmm",
    "vmix", "ndi", "fake",
)  # fmt: skip


class Replay(BaseModel):
    lag: float
    frames: int
    match_bits: float  # a frame's mean distance from the frame one lag earlier
    motion_bits: float  # a frame's mean distance from the one before it
    since: float  # the first repeated frame: where the replay began, not where it was recognised


class Camera(BaseModel):
    still_since: float | None = None
    still_change: float = 0.0
    hashes: list[tuple[float, str]] = Field(default_factory=list)
    openness: list[float] = Field(default_factory=list)
    blinked_at: float | None = None
    cameras: list[str] = Field(default_factory=list)
    replay_since: float | None = None  # while a replay goes on: its first repeated frame


def _nearest(times: list[float], target: float, before: int) -> int | None:
    """The index of the time nearest `target` among the first `before` (times are ascending)."""
    position = bisect.bisect_left(times, target, 0, before)
    options = [i for i in (position - 1, position) if 0 <= i < before]
    return min(options, key=lambda i: abs(times[i] - target)) if options else None


def _first_repeat(
    history: list[tuple[float, str]], times: list[float], lag: float, start: int, tolerance: float, match: float
) -> float:
    """The first frame of a recognised replay: walking back from the stretch that was recognised, the
    earliest frame that still repeats the frame one lag before it (as closely as the stretch's frames do, or
    closer than it moved), allowing one frame that does not in a row."""
    first, misses, k = start, 0, start - 1
    while k >= 1 and misses <= 1:
        m = _nearest(times, times[k] - lag, k)
        if m is None or abs(times[m] - (times[k] - lag)) > tolerance:
            break
        apart = distance(history[k][1], history[m][1])
        if apart <= max(match, distance(history[k][1], history[k - 1][1])):
            first, misses = k, 0
        else:
            misses += 1
        k -= 1
    return times[first]


def is_virtual(label: str) -> bool:
    lowered = label.lower()
    return any(name in lowered for name in VIRTUAL_CAMERAS)


class CameraRule:
    name = "camera"

    def forget(self, session: SessionState) -> None:
        """Frame signatures and eye openness only serve the next frames; the cameras seen stay for the report."""
        state = rule_state(session, self.name, Camera)
        state.hashes, state.openness = [], []
        session.rules[self.name] = state.model_dump(mode="json")

    def observe(self, frame: Frame, timeline: Timeline) -> None:
        state = frame.state(self.name, Camera)
        signature = frame.signals.signature
        t = frame.policy.thresholds
        if signature is None:
            return
        if frame.paused:  # a picture the same after a pause was not seen staying the same: stillness starts again
            state.still_since, state.still_change = None, 0.0
        frozen = self._frozen(state, signature.change, frame.now, t.frozen_max_change)
        frozen = False if frame.paused and frozen else frozen
        timeline.sustain(
            "stream_frozen",
            frozen,
            minimum=t.frozen_s,
            confidence=0.9,
            broken_by_one=True,
            severity=fixed("medium"),
            basis={"unchanged_s": round(frame.now - state.still_since, 1), "max_change": state.still_change}
            if frozen and state.still_since is not None
            else None,
        )
        replay = self._replay(state, signature.dhash, frame.now, t)
        if replay is None:
            state.replay_since = None
        else:  # one replay keeps the start first found, whichever lag later frames match best
            state.replay_since = min(replay.since, state.replay_since or replay.since)
        timeline.sustain(
            "stream_replayed",
            replay is not None,
            minimum=0.0,
            confidence=0.9,
            severity=fixed("high"),
            since=state.replay_since,
            detail="" if replay is None else f"{replay.lag:.0f} s earlier",
            basis=None if replay is None else {
                "lag_s": round(replay.lag, 1), "frames": replay.frames, "match_bits": round(replay.match_bits, 1),
                "motion_bits": round(replay.motion_bits, 1), "max_ratio": t.replay_match_ratio,
            },
        )  # fmt: skip
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
    def _replay(state: Camera, dhash: str, now: float, t: Thresholds) -> Replay | None:
        """The lag at which the last `replay_min_s` of frames repeat an earlier stretch, if one does."""
        history = state.hashes
        if not history or now - history[-1][0] >= KEEP_EVERY_S:
            history.append((now, dhash))
        state.hashes = history = [(at, h) for at, h in history if now - at <= HISTORY_S]
        window = [i for i, (at, _) in enumerate(history) if now - at <= t.replay_min_s + 1e-6]
        if len(window) < 5 or now - history[window[0]][0] < t.replay_min_s - KEEP_EVERY_S:
            return None
        if window[0] == 0:
            return None  # the window's first frame needs the one before it, for its motion
        times = [at for at, _ in history]
        step = (times[-1] - times[window[0] - 1]) / len(window)
        tolerance = 0.55 * step
        past = [i for i in range(len(history)) if now - times[i] >= t.replay_lag_s]
        nearest = sorted(past, key=lambda i: distance(history[i][1], dhash))[:CANDIDATE_LAGS]
        for candidate in nearest:
            lag = now - times[candidate]
            match = motion = closer = 0
            for k in window:
                m = _nearest(times, times[k] - lag, k)
                if m is None or abs(times[m] - (times[k] - lag)) > tolerance:
                    break
                apart = distance(history[k][1], history[m][1])
                moved = distance(history[k][1], history[k - 1][1])
                match, motion, closer = match + apart, motion + moved, closer + (apart <= moved)
            else:
                n = len(window)
                # in total, and frame by frame: a live stream that happens to resemble its past now and then
                # passes the first on a lucky stretch, never the second
                if (
                    motion >= t.replay_min_motion_bits * n
                    and match <= t.replay_match_ratio * motion
                    and closer >= MOST_FRAMES * n
                ):
                    since = _first_repeat(history, times, lag, window[0], tolerance, match / n)
                    return Replay(lag=lag, frames=n, match_bits=match / n, motion_bits=motion / n, since=since)
        return None

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
