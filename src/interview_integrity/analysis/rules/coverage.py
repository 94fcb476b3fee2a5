"""What could not be watched: `not_watched`, one event per stretch, with its reason (analysis/coverage.py).

Each frame stands for the time until the next one. Before a frame, the rule settles the time since the
last: a pause (no frame for longer than the stream's rhythm allows) is unwatched, because of refused frames
when the service refused some in it, else for want of frames; refused frames before the session's first
analysed frame are unwatched before it. Then the frame itself: a picture too dark, blurred or covered to
find a face in, a frozen one (still for `frozen_s`) or a replayed one starts or continues a stretch,
which counts from its start once it is sure (an unusable picture after `camera_blocked_s`). Like an
event's condition, a stretch is not ended by a moment of something else (`close_after_s`), except a frozen
one: one moving frame proves a camera live. At the end, refused frames after the last analysed one, and a
live stream's silence before the session ended, are unwatched too. Stretches never overlap: their sum is
the unwatched time.
"""

from __future__ import annotations

from typing import Any

from interview_integrity.analysis.basis import Unwatched
from interview_integrity.analysis.coverage import (
    NAME,
    RefusedRun,
    Stretch,
    Watch,
    is_pause,
    refused_detail,
)
from interview_integrity.analysis.policy import Thresholds
from interview_integrity.analysis.rules.base import Frame, rule_state
from interview_integrity.analysis.rules.camera import Camera, CameraRule
from interview_integrity.analysis.state import SessionState
from interview_integrity.analysis.timeline import Timeline

_EPSILON = 1e-6
SERVER_TIMED_S = 0.01  # a frame without a timestamp is placed at its arrival (rounded to the millisecond)


def _minimum(reason: Unwatched, t: Thresholds) -> float:
    """How long a stretch must last before it counts (a frozen picture is only called so after frozen_s)."""
    return t.camera_blocked_s if reason == "unusable" else 0.0


class CoverageRule:
    name = NAME

    def observe(self, frame: Frame, timeline: Timeline) -> None:
        watch = frame.state(self.name, Watch)
        camera = frame.state(CameraRule.name, Camera)
        now = frame.now
        if frame.arrived_at is not None:
            first = watch.arrivals or (frame.arrived_at, now, frame.arrived_at, now)
            watch.arrivals = (first[0], first[1], frame.arrived_at, now)
            watch.last_arrival = max(frame.arrived_at, watch.last_arrival or frame.arrived_at)
            timed_here = abs(now - frame.arrived_at) <= SERVER_TIMED_S
            watch.server_timed = timed_here if watch.server_timed is None else watch.server_timed and timed_here
        pending = watch.pending_runs()
        if frame.session.frames == 1 and pending:  # refused before the first analysed frame
            seconds = round(sum(run.seconds for run in pending), 3)
            _refused(timeline, pending, now - seconds, now)
            watch.before_s += seconds
        elif frame.paused and watch.last_at is not None:
            _end(watch, timeline, watch.last_at, frame.policy.thresholds)
            start = max(watch.last_at, watch.counted_until or watch.last_at)
            if pending:
                _refused(timeline, pending, start, now)
            else:
                usual = frame.session.usual_interval
                basis = {"reason": "no_frames", "from_s": start, "to_s": now, "usual_interval_s": usual}
                timeline.stretch("not_watched", start, now, closed=True, detail="no frame arrived", basis=basis)
            watch.counted_until = now
        watch.pending = 0  # refused frames between two analysed frames within the rhythm cost no time
        watch.last_at = now
        self._judge(frame, watch, camera, timeline)

    @staticmethod
    def _judge(frame: Frame, watch: Watch, camera: Camera, timeline: Timeline) -> None:
        """This frame's part: the stretch of frames that cannot be judged, started, continued or ended."""
        signals, now, t = frame.signals, frame.now, frame.policy.thresholds
        found: tuple[Unwatched, float, str, dict[str, Any]] | None = None
        if not signals.quality.usable and signals.faces.count == 0:  # nothing to judge (a found face is watched)
            issues = "; ".join(signals.quality.issues) or "unusable"
            found = ("unusable", now, f"the picture could not be judged ({issues})", {"issues": signals.quality.issues})
        elif camera.still_since is not None and now - camera.still_since >= t.frozen_s - _EPSILON:
            found = ("frozen", camera.still_since, "the picture was frozen", {"max_change": camera.still_change})
        elif camera.replay_since is not None:
            found = ("replayed", camera.replay_since, "the camera showed a replay of an earlier part", {})
        current = watch.stretch
        if current is not None and (found is None or found[0] != current.reason):
            # a moment of something else does not end it, as a condition's event is not ended by one frame
            # (close_after_s); a frozen picture is, by design: one moving frame proves the camera live
            countable = found is not None and _minimum(found[0], t) == 0
            if not countable and current.reason != "frozen" and now - current.last_seen < t.close_after_s:
                current.after = current.after if current.after is not None else now
                return
            _end(watch, timeline, now, t)
            current = None
        if found is None:
            return
        reason, since, detail, basis = found
        if current is None:
            since = max(since, watch.counted_until or since, frame.session.first_timestamp or since)
            current = watch.stretch = Stretch(reason=reason, since=min(since, now), last_seen=now, detail=detail)
        current.last_seen, current.after = now, None
        if current.event_id is not None or now - current.since >= _minimum(reason, t) - _EPSILON:
            event = timeline.stretch(
                "not_watched", current.since, now, event_id=current.event_id, closed=False, detail=current.detail,
                basis={"reason": reason, **basis},
            )  # fmt: skip
            current.event_id = event.id

    def finish(self, session: SessionState, timeline: Timeline, ended_at: float | None) -> None:
        """The time after the last analysed frame: refused frames, and a live stream's silence before the end."""
        watch = rule_state(session, self.name, Watch)
        last = session.last_timestamp
        if last is not None:
            _end(watch, timeline, last, timeline.policy.thresholds)
        pending = watch.pending_runs()
        start = last if last is not None else pending[0].at if pending else None
        if pending and start is not None:
            seconds = round(sum(run.seconds for run in pending), 3)
            _refused(timeline, pending, start, start + seconds)
            watch.after_s += seconds
            start += seconds
            watch.pending = 0
        if ended_at is not None and start is not None and watch.last_arrival is not None and watch.live():
            silence = round(ended_at - watch.last_arrival, 3)
            if is_pause(silence, session.usual_interval):
                basis = {"reason": "no_frames", "from_s": start, "to_s": start + silence, "ended": True}
                detail = "no frame arrived before the session ended"
                timeline.stretch("not_watched", start, start + silence, closed=True, detail=detail, basis=basis)
                watch.after_s += silence
        session.rules[self.name] = watch.model_dump(mode="json")


def _refused(timeline: Timeline, runs: list[RefusedRun], start: float, until: float) -> None:
    detail, counts = refused_detail(runs)
    basis = {"reason": "refused", "refused": counts, "from_s": start, "to_s": until}
    timeline.stretch("not_watched", start, until, closed=True, detail=detail, basis=basis)


def _end(watch: Watch, timeline: Timeline, at: float, t: Thresholds) -> None:
    """The current stretch ends at `at` (or at the frame after its last one, when frames of another kind
    followed it): its event closes there, or it opens now if the stretch, its last frame's time included,
    has become long enough."""
    current, watch.stretch = watch.stretch, None
    if current is None:
        return
    at = min(at, current.after) if current.after is not None else at
    if current.event_id is None and at - current.since < _minimum(current.reason, t) - _EPSILON:
        return
    event = timeline.stretch(
        "not_watched", current.since, at, event_id=current.event_id, closed=True, detail=current.detail,
        basis=None if current.event_id else {"reason": current.reason},
    )  # fmt: skip
    current.event_id = event.id
    watch.counted_until = at
