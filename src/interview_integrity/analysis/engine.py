"""SessionAnalyzer: one session's stream of FrameSignals -> events, live risk, summary.

The analyzer holds only the policy; everything a session remembers is its SessionState (analysis/state.py),
a small pydantic model that can live in Redis between frames. For each frame the engine advances the
session's clock, hands the frame to every rule in order (analysis/rules/: each rule reads the frame, keeps
its own state, tells the timeline what it sees), and scores the result. How conditions become events
(minimum durations, hysteresis, merging, abstaining on unknown frames) is the timeline's
(analysis/timeline.py); what each condition is, is its rule's.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from interview_integrity.analysis.coverage import MAX_FRAME_GAP_S, is_pause, measure, watched
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import Policy
from interview_integrity.analysis.registry import EVENTS
from interview_integrity.analysis.rules import RULES, Frame, Rule
from interview_integrity.analysis.rules.base import Finishes, KeepsPrivateState, reset, rule_state
from interview_integrity.analysis.rules.calibration import Baseline, Calibration
from interview_integrity.analysis.rules.camera import Camera, CameraRule, reported_camera
from interview_integrity.analysis.rules.voice import Voice
from interview_integrity.analysis.scoring import Risk, current_risk
from interview_integrity.analysis.state import SessionState, Stats, Streak
from interview_integrity.analysis.summary import Summary, summarize
from interview_integrity.analysis.timeline import Timeline
from interview_integrity.audio.signals import SoundWindow
from interview_integrity.vision.signals import FrameSignals

_TIMELINE_POINTS = 1200
_TIMELINE_STEP_S = 1.0

__all__ = ["Baseline", "FrameOutcome", "SessionAnalyzer", "SessionState", "Stats", "Streak"]


class FrameOutcome(BaseModel):
    events: list[Event] = Field(description="Events opened, escalated or closed by this frame.")
    risk: Risk


class SessionAnalyzer:
    def __init__(self, policy: Policy, rules: tuple[Rule, ...] = RULES) -> None:
        self.policy = policy
        self.rules = rules
        self.voice = Voice()

    def process(
        self, state: SessionState, signals: FrameSignals, frame_index: int, arrived_at: float | None = None
    ) -> FrameOutcome:
        """One frame, in time order. `arrived_at`: when it arrived, on the session's clock (a live service
        knows; a replay does not), which tells whether the frames' clock is a live one."""
        now = signals.timestamp
        if state.last_timestamp is not None and now < state.last_timestamp:
            # the pipeline refuses late frames (clock.py); counting one as zero seconds would hide time
            raise ValueError(f"frame at {now} s comes after the session's frame at {state.last_timestamp} s")
        dt = 0.0 if state.last_timestamp is None else min(now - state.last_timestamp, MAX_FRAME_GAP_S)
        paused = state.last_timestamp is not None and _note_interval(state, state.last_timestamp, now)
        state.first_timestamp = now if state.first_timestamp is None else state.first_timestamp
        state.last_timestamp = now
        state.frame_interval = dt
        state.frames += 1
        state.stats.seconds += dt
        if signals.faces.count >= 1:
            state.stats.seconds_with_face += dt

        frame = Frame(
            signals=signals, now=now, dt=dt, index=frame_index, policy=self.policy, session=state, paused=paused,
            arrived_at=arrived_at,
        )  # fmt: skip
        timeline = Timeline(state, self.policy, now, frame_index)
        for rule in self.rules:
            rule.observe(frame, timeline)
        frame.keep()
        changed = _unique(timeline.changed)
        for event in changed:
            event.describe()
        risk = self.risk(state)
        _record(state, now, risk.score)
        return FrameOutcome(events=changed, risk=risk)

    def hear(self, state: SessionState, windows: list[SoundWindow]) -> list[Event]:
        """Moments of sound beside the candidate's lips (audio/lipsync.py settles them, in time order, behind
        the frames): the events they opened, escalated or closed. Each moment is judged at its own time; no
        frame is named as its support (the lips of several frames stand behind each)."""
        if not windows:
            return []
        changed: list[Event] = []
        for window in windows:
            timeline = Timeline(state, self.policy, window.start, -1, interval=window.end - window.start)
            self.voice.hear(window, state, timeline)
            changed += timeline.changed
        changed = _unique(changed)
        for event in changed:
            event.describe()
        if changed:
            now = max(windows[-1].end, self.now(state))
            _record(state, now, self.risk(state, now).score)
        return changed

    def calibrate(self, state: SessionState) -> None:
        """Start the baseline again from the next good frontal frames."""
        reset(state, Calibration.name)

    # -- client events and the end ----------------------------------------------------------------
    def client_event(self, state: SessionState, event_type: str, timestamp: float, detail: str = "") -> list[Event]:
        """A page event the client saw, or the camera it uses (`camera`, its label as `detail`): the events it
        raised (a camera report raises one only for a virtual or a changed camera). An event reported after
        later frames starts at its own time; its points count from now, when it is known."""
        now = max(timestamp, self.now(state))
        timeline = Timeline(state, self.policy, now, frame_index=-1)
        if event_type == "camera":
            camera = rule_state(state, CameraRule.name, Camera)
            reported_camera(camera, detail, timeline, timestamp)
            state.rules[CameraRule.name] = camera.model_dump(mode="json")
        else:
            if not self.policy.enabled(event_type):
                raise ValueError(f"the {event_type} rule is switched off for this session")
            spec = EVENTS[event_type]  # type: ignore[index]
            timeline.instant(event_type, timestamp, confidence=1.0, severity=spec.severity, detail=detail[:200])  # type: ignore[arg-type]
        for event in timeline.changed:
            event.describe()
        if timeline.changed:
            _record(state, now, self.risk(state, now).score)
        return timeline.changed

    def finish(self, state: SessionState, ended_at: float | None = None) -> list[Event]:
        """Close every open event at the last frame, and forget what only the live session needed. `ended_at`:
        when the session ended, on its clock (a live service knows): a live stream's silence before it counts
        as unwatched (analysis/coverage.py)."""
        timeline = Timeline(state, self.policy, self.now(state), frame_index=-1)
        for rule in self.rules:
            if isinstance(rule, Finishes):
                rule.finish(state, timeline, ended_at)
        closed = _unique([*timeline.changed, *timeline.close_all()])
        for event in closed:
            event.describe()
        for rule in self.rules:
            if isinstance(rule, KeepsPrivateState):
                rule.forget(state)
        return closed

    @staticmethod
    def now(state: SessionState) -> float:
        """The session's current time: its latest frame or client event, whichever is later."""
        return max(state.last_timestamp or 0.0, state.risk.updated_at or 0.0)

    def summary(self, state: SessionState) -> Summary:
        return summarize(state, self.policy, self.now(state))

    def risk(self, state: SessionState, at: float | None = None) -> Risk:
        """The live risk (at `at`, default the session's now) and the verdict as the session stands (its coverage
        included)."""
        now = self.now(state) if at is None else at
        return current_risk(state.risk, state.events, self.policy, now, watched(measure(state, self.policy)))


def _note_interval(state: SessionState, last: float, now: float) -> bool:
    """A gap is a pause in the stream: longer than MAX_FRAME_GAP_S and than three of its usual intervals,
    so a client that sends a still every 3 s has no gaps, and a 5 fps stream that stops for 3 s has one."""
    interval, usual = now - last, state.usual_interval
    pause = is_pause(interval, usual)
    if pause:
        state.gaps = [*state.gaps, (last, now)][-200:]
    elif interval > 0:
        # an average that follows a change of frame rate within a few frames, deterministic for replays
        state.usual_interval = round(interval if not usual else 0.8 * usual + 0.2 * interval, 4)
    return pause


def _record(state: SessionState, now: float, score: float) -> None:
    """Sample the live score for the chart: what was known at each time. Points count from the moment an
    event is known (scoring.py), so the chart never rises back in time, and the peak it shows is where the
    summary puts it."""
    timeline = state.risk_timeline
    if not timeline or now - timeline[-1][0] >= _TIMELINE_STEP_S or score > timeline[-1][1]:
        timeline.append((round(now, 2), score))  # a rise is always kept: the chart must show every peak
    if len(timeline) > _TIMELINE_POINTS:
        peak = max(range(len(timeline)), key=lambda i: timeline[i][1])
        kept = {0, len(timeline) - 1, peak} | set(range(0, len(timeline), 2))
        timeline[:] = [timeline[i] for i in sorted(kept)]  # halve the resolution, keep the ends and the peak


def _unique(events: list[Event]) -> list[Event]:
    seen: dict[str, Event] = {}
    for event in events:
        seen[event.id] = event
    return list(seen.values())
