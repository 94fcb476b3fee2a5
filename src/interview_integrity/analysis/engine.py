"""SessionAnalyzer: one session's stream of FrameSignals -> events, live risk, summary.

State is a small pydantic model (SessionState) so it can live in Redis between frames; the analyzer
itself holds only the policy. Every rule works on time, not single frames:
- sustained conditions (no face, gaze away, ...) open after a minimum duration, close only after the
  condition has been gone for `close_after_s` (hysteresis), and a condition back within
  `merge_within_s` continues the same event: one long look away is one event, not fifty;
- objects need k of the last n analysed frames (voting);
- a frame whose signal is unknown (dark, blurred, eyes closed, tiny face) neither opens nor extends an
  attention or presence event: we abstain rather than accuse.
"""

from __future__ import annotations

import statistics

from pydantic import BaseModel, Field

from interview_integrity.analysis.events import CATEGORY, MAX_SUPPORTING_FRAMES, Event, Severity
from interview_integrity.analysis.policy import Policy
from interview_integrity.scoring import Risk, RiskState, add_points, current_risk, event_points, explanation
from interview_integrity.vision.signals import Box, DetectedObject, FrameSignals

Condition = bool | None  # None: the frame cannot tell (abstain)
_GLANCE_WINDOW_S = 60.0
_MAX_FRAME_GAP_S = 2.0  # time between frames counts toward durations up to this gap
_UNKNOWN_CLOSES_AFTER_S = 3.0  # a long stretch of unknown frames ends an open attention event
_CALIBRATION_MAX_DEG = 20.0  # frames further off than this are not "frontal" for calibration
_DEVICE_LABELS = ("laptop", "tv", "remote")


class Streak(BaseModel):
    since: float | None = None
    last_seen: float | None = None
    event_id: str | None = None
    confidences: list[float] = Field(default_factory=list)
    detail: str = ""


class Baseline(BaseModel):
    """The candidate's own neutral gaze and head pose, from the first good frontal frames."""

    horizontal: float = 0.0
    vertical: float = 0.0
    yaw: float = 0.0
    samples: list[tuple[float, float, float]] = Field(default_factory=list)
    collected_s: float = 0.0
    complete: bool = False


class Stats(BaseModel):
    seconds: float = 0.0
    seconds_with_face: float = 0.0
    seconds_gaze_known: float = 0.0
    seconds_looking_at_screen: float = 0.0


class SessionState(BaseModel):
    frames: int = 0
    first_timestamp: float | None = None
    last_timestamp: float | None = None
    frame_interval: float = Field(0.0, description="Seconds since the previous frame: a frame stands for that long.")
    baseline: Baseline = Field(default_factory=Baseline)
    streaks: dict[str, Streak] = Field(default_factory=dict)
    votes: dict[str, list[int]] = Field(default_factory=dict)
    away_since: float | None = None
    glances: list[float] = Field(default_factory=list)
    last_glances_event_at: float | None = None
    events: list[Event] = Field(default_factory=list)
    risk: RiskState = Field(default_factory=RiskState)
    risk_timeline: list[tuple[float, float]] = Field(
        default_factory=list, description="(time, live score) at most once a second, thinned to stay small."
    )
    stats: Stats = Field(default_factory=Stats)


class FrameOutcome(BaseModel):
    events: list[Event] = Field(description="Events opened, escalated or closed by this frame.")
    risk: Risk


def _severity(rule: str, duration: float, policy: Policy) -> Severity:
    t = policy.thresholds
    if rule in ("multiple_faces", "phone_detected"):
        return "high"
    if rule == "no_face":
        return "high" if duration >= 10 * t.no_face_s else "medium"
    if rule == "gaze_away":
        return "medium" if duration >= 3 * t.gaze_away_s else "low"
    if rule == "head_turned":
        return "medium" if duration >= 3 * t.head_turned_s else "low"
    if rule in ("camera_blocked", "window_blur", "fullscreen_exit"):
        return "low"
    return "medium"


def _faceless_person(signals: FrameSignals) -> bool:
    """A person box with no face inside it, while the candidate's face is visible."""
    faces = [f.box for f in signals.faces.boxes]
    if not faces:
        return False
    persons = [o.box for o in signals.objects if o.label == "person"]
    return any(not any(_face_in(face, person) for face in faces) for person in persons)


def _near_candidate(signals: FrameSignals, min_face_ratio: dict[str, float]) -> list[DetectedObject]:
    """Objects, less those that look too small next to the candidate's face to be within their reach:
    apparent size against the face is a depth cue. Without a visible face every object counts."""
    if not signals.faces.boxes:
        return list(signals.objects)
    face = signals.faces.boxes[0].box
    face_area = face.width * face.height
    return [
        o for o in signals.objects
        if o.box.width * o.box.height >= min_face_ratio.get(o.label, 0.0) * face_area
    ]  # fmt: skip


def _face_in(face: Box, person: Box) -> bool:
    cx, cy = face.center
    return person.contains(cx, cy)


class SessionAnalyzer:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    # -- the frame loop ---------------------------------------------------------------------------
    def process(self, state: SessionState, signals: FrameSignals, frame_index: int) -> FrameOutcome:
        now = signals.timestamp
        if state.last_timestamp is not None and now < state.last_timestamp:
            # the pipeline refuses late frames (clock.py); counting one as zero seconds would hide time
            raise ValueError(f"frame at {now} s comes after the session's frame at {state.last_timestamp} s")
        dt = 0.0 if state.last_timestamp is None else min(now - state.last_timestamp, _MAX_FRAME_GAP_S)
        state.first_timestamp = now if state.first_timestamp is None else state.first_timestamp
        state.last_timestamp = now
        state.frame_interval = dt
        state.frames += 1
        changed: list[Event] = []
        usable = signals.quality.usable
        face = signals.faces.count >= 1

        self._calibrate(state, signals, dt)
        away, direction = self._away(state, signals)
        self._count(state, signals, dt, away)

        head_turned, head_direction = self._head_turned(state, signals)
        t = self.policy.thresholds
        conditions: dict[str, tuple[Condition, float, float, str]] = {
            # rule: (condition, minimum seconds, frame confidence, detail)
            "camera_blocked": (not usable, t.camera_blocked_s, 0.9, "; ".join(signals.quality.issues)),
            "no_face": (None if not usable else not face, t.no_face_s, 0.9, ""),
            "multiple_faces": (
                signals.faces.count >= 2,
                t.multiple_faces_s,
                min((f.confidence for f in signals.faces.boxes[:2]), default=0.0),
                f"{signals.faces.count} faces",
            ),
            "gaze_away": (away, t.gaze_away_s, signals.gaze.confidence, direction),
            "head_turned": (head_turned, t.head_turned_s, 0.8, head_direction),
        }
        for rule, (condition, minimum, confidence, detail) in conditions.items():
            changed += self._sustain(state, rule, condition, minimum, confidence, detail, now, frame_index)
        changed += self._objects(state, signals, now, frame_index)
        changed += self._glances(state, away, now, frame_index)
        for event in changed:
            event.describe()
        risk = current_risk(state.risk, state.events, self.policy, now)
        _sample(state.risk_timeline, now, risk.score)
        return FrameOutcome(events=_unique(changed), risk=risk)

    # -- calibration ------------------------------------------------------------------------------
    def calibrate(self, state: SessionState) -> None:
        """Start the baseline again from the next good frontal frames."""
        state.baseline = Baseline()

    def _calibrate(self, state: SessionState, signals: FrameSignals, dt: float) -> None:
        base, gaze, pose = state.baseline, signals.gaze, signals.head_pose
        if base.complete or pose is None or gaze.horizontal_deg is None or gaze.vertical_deg is None:
            return
        if not signals.quality.usable or gaze.direction == "unknown" or signals.faces.count != 1:
            return
        if abs(gaze.horizontal_deg) > _CALIBRATION_MAX_DEG or abs(gaze.vertical_deg) > _CALIBRATION_MAX_DEG:
            return
        base.samples.append((gaze.horizontal_deg, gaze.vertical_deg, pose.yaw))
        base.collected_s += dt
        if base.collected_s >= self.policy.thresholds.calibration_s and len(base.samples) >= 3:
            base.horizontal = statistics.median(s[0] for s in base.samples)
            base.vertical = statistics.median(s[1] for s in base.samples)
            base.yaw = statistics.median(s[2] for s in base.samples)
            base.samples = []
            base.complete = True

    # -- per-frame conditions ---------------------------------------------------------------------
    def _away(self, state: SessionState, signals: FrameSignals) -> tuple[Condition, str]:
        gaze, t = signals.gaze, self.policy.thresholds
        if not self.policy.enabled("gaze_away") and not self.policy.enabled("repeated_glances"):
            return None, ""
        if not signals.quality.usable or gaze.direction == "unknown" or signals.faces.count == 0:
            return None, ""
        if gaze.horizontal_deg is None or gaze.vertical_deg is None:
            return None, ""
        h = gaze.horizontal_deg - state.baseline.horizontal
        v = gaze.vertical_deg - state.baseline.vertical
        if abs(h) > t.gaze_away_deg:
            return True, "toward image-left" if h > 0 else "toward image-right"
        if v < -t.gaze_down_deg:
            return True, "down"
        if v > t.gaze_away_deg:
            return True, "up"
        return False, ""

    def _head_turned(self, state: SessionState, signals: FrameSignals) -> tuple[Condition, str]:
        pose = signals.head_pose
        if pose is None or signals.faces.count == 0:
            return None, ""
        yaw = pose.yaw - state.baseline.yaw
        if abs(yaw) > self.policy.thresholds.head_turn_deg:
            return True, "toward image-left" if yaw > 0 else "toward image-right"
        return False, ""

    def _count(self, state: SessionState, signals: FrameSignals, dt: float, away: Condition) -> None:
        stats = state.stats
        stats.seconds += dt
        if signals.faces.count >= 1:
            stats.seconds_with_face += dt
        if away is not None:
            stats.seconds_gaze_known += dt
            if not away:
                stats.seconds_looking_at_screen += dt

    # -- rules ------------------------------------------------------------------------------------
    def _event(self, state: SessionState, event_id: str | None) -> Event | None:
        return next((e for e in reversed(state.events) if e.id == event_id), None) if event_id else None

    def _sustain(
        self,
        state: SessionState,
        rule: str,
        condition: Condition,
        minimum: float,
        confidence: float,
        detail: str,
        now: float,
        frame_index: int,
    ) -> list[Event]:
        if not self.policy.enabled(rule):
            return []
        streak = state.streaks.setdefault(rule, Streak())
        event = self._event(state, streak.event_id)
        close_after = self.policy.thresholds.close_after_s
        if condition is None:
            stale = streak.last_seen is not None and now - streak.last_seen > _UNKNOWN_CLOSES_AFTER_S
            return self._close(state, streak, event, rule) if stale else []
        if not condition:
            if streak.last_seen is None or now - streak.last_seen >= close_after:
                return self._close(state, streak, event, rule)
            return []
        if streak.since is None:
            streak.since, streak.confidences = now, []
        streak.last_seen = now
        streak.detail = detail or streak.detail
        streak.confidences = [*streak.confidences, confidence][-20:]
        changed: list[Event] = []
        # frames sample time: a condition seen from frame a to frame b covered b - a plus one frame
        if event is None and now - streak.since + state.frame_interval >= minimum:
            event = self._reopen(state, rule, streak.since) or self._open(state, rule, streak.since)
            streak.event_id = event.id
            changed.append(event)
        if event is not None:
            if len(event.frames) < MAX_SUPPORTING_FRAMES:
                event.frames.append(frame_index)
            event.detail = streak.detail
            event.duration_s = round(now - event.started_at, 2)
            event.confidence = round(min(0.99, statistics.fmean(streak.confidences)), 3)
            if self._escalate(state, event, now):
                changed.append(event)
        return changed

    def _open(self, state: SessionState, rule: str, since: float) -> Event:
        event = Event(
            type=rule,
            category=CATEGORY[rule],
            severity=_severity(rule, 0.0, self.policy),
            confidence=0.5,
            started_at=since,
        )
        state.events.append(event)
        add_points(state.risk, since, self.policy, event.category, event_points(event, self.policy))
        return event

    def _reopen(self, state: SessionState, rule: str, since: float) -> Event | None:
        """The same condition back within merge_within_s continues its last event."""
        last = next((e for e in reversed(state.events) if e.type == rule), None)
        if last is None or last.ended_at is None or since - last.ended_at > self.policy.thresholds.merge_within_s:
            return None
        last.ended_at = None
        return last

    def _escalate(self, state: SessionState, event: Event, now: float) -> bool:
        severity = _severity(event.type, event.duration_s, self.policy)
        if severity == event.severity:
            return False
        before = event_points(event, self.policy)
        event.severity = severity
        add_points(state.risk, now, self.policy, event.category, event_points(event, self.policy) - before)
        return True

    def _close(self, state: SessionState, streak: Streak, event: Event | None, rule: str) -> list[Event]:
        streak.since = None
        streak.event_id = None
        if event is None or streak.last_seen is None:
            return []
        event.ended_at = streak.last_seen
        event.duration_s = round(event.ended_at - event.started_at, 2)
        return [event]

    def _objects(self, state: SessionState, signals: FrameSignals, now: float, frame_index: int) -> list[Event]:
        t = self.policy.thresholds
        nearby = _near_candidate(
            signals, {"book": t.book_min_face_ratio, **dict.fromkeys(_DEVICE_LABELS, t.device_min_face_ratio)}
        )
        labels = {o.label for o in nearby}
        best = {o.label: o.confidence for o in sorted(nearby, key=lambda o: o.confidence)}
        devices = [label for label in _DEVICE_LABELS if label in labels]
        device_score = max((best[label] for label in devices), default=0.0)
        rules = {
            "phone_detected": ("cell phone" in labels, t.phone_votes, best.get("cell phone", 0.0), "phone"),
            "book_detected": ("book" in labels, t.book_votes, best.get("book", 0.0), "book"),
            "device_detected": (bool(devices), t.device_votes, device_score, ", ".join(devices)),
            "extra_person": (_faceless_person(signals), t.extra_person_votes, best.get("person", 0.0), ""),
        }  # fmt: skip
        changed: list[Event] = []
        for rule, (seen, (k, n), confidence, detail) in rules.items():
            if not signals.objects_analyzed:
                condition: Condition = None
            else:
                recent = [*state.votes.get(rule, []), int(seen)][-n:]
                state.votes[rule] = recent
                condition = sum(recent) >= k
            # votes already span several frames: a passing vote opens at once; a vote for a
            # detector score turns into a confidence that grows with the share of frames that agree
            share = sum(state.votes.get(rule, [])) / n
            frame_confidence = min(0.99, 0.5 * share + 0.5 * max(confidence, 0.3)) if seen else share
            changed += self._sustain(state, rule, condition, 0.0, frame_confidence, detail, now, frame_index)
        return changed

    def _glances(self, state: SessionState, away: Condition, now: float, frame_index: int) -> list[Event]:
        t = self.policy.thresholds
        if away is None:
            return []
        if away:
            state.away_since = now if state.away_since is None else state.away_since
            return []
        if state.away_since is not None and t.glance_min_s <= now - state.away_since < t.gaze_away_s:
            state.glances.append(now)
        state.away_since = None
        state.glances = [g for g in state.glances if now - g <= _GLANCE_WINDOW_S]
        recent_event = state.last_glances_event_at is not None and now - state.last_glances_event_at < _GLANCE_WINDOW_S
        if not self.policy.enabled("repeated_glances") or recent_event or len(state.glances) < t.repeated_glances:
            return []
        event = self._open(state, "repeated_glances", state.glances[0])
        event.ended_at, event.duration_s = now, round(now - event.started_at, 2)
        event.frames, event.confidence, event.detail = [frame_index], 0.7, f"{len(state.glances)} times"
        state.last_glances_event_at = now
        return [event]

    # -- client events and the end ----------------------------------------------------------------
    def client_event(self, state: SessionState, event_type: str, timestamp: float) -> Event:
        if not self.policy.enabled(event_type):
            raise ValueError(f"the {event_type} rule is switched off for this session")
        event = self._open(state, event_type, timestamp)
        event.ended_at, event.confidence = timestamp, 1.0
        event.describe()
        return event

    def finish(self, state: SessionState) -> list[Event]:
        """Close every open event at the last frame."""
        closed = []
        for streak in state.streaks.values():
            event = self._event(state, streak.event_id)
            closed += self._close(state, streak, event, "")
        for event in closed:
            event.describe()
        return closed

    @staticmethod
    def now(state: SessionState) -> float:
        """The session's current time: its latest frame or client event, whichever is later."""
        return max(state.last_timestamp or 0.0, state.risk.updated_at or 0.0)

    def summary(self, state: SessionState) -> dict[str, object]:
        now = self.now(state)
        stats = state.stats
        by_type: dict[str, int] = {}
        for event in state.events:
            by_type[event.type] = by_type.get(event.type, 0) + 1
        risk = current_risk(state.risk, state.events, self.policy, now)
        return {
            "duration_s": round(stats.seconds, 2),
            "frames_analyzed": state.frames,
            "share_with_face": round(stats.seconds_with_face / stats.seconds, 3) if stats.seconds else None,
            "share_looking_at_screen": (
                round(stats.seconds_looking_at_screen / stats.seconds_gaze_known, 3)
                if stats.seconds_gaze_known
                else None
            ),
            "calibrated": state.baseline.complete,
            "events_by_type": by_type,
            "peak_risk": round(state.risk.peak, 1),
            "final_risk": risk.score,
            "verdict": risk.verdict,
            "explanation": explanation(state.risk, state.events, self.policy),
        }


_TIMELINE_POINTS = 1200
_TIMELINE_STEP_S = 1.0


def _sample(timeline: list[tuple[float, float]], now: float, score: float) -> None:
    if timeline and now - timeline[-1][0] < _TIMELINE_STEP_S and score <= timeline[-1][1]:
        return  # a rise is always kept: the chart must show every peak
    timeline.append((round(now, 2), score))
    if len(timeline) > _TIMELINE_POINTS:
        del timeline[1:-1:2]  # halve the resolution, keep the ends


def _unique(events: list[Event]) -> list[Event]:
    seen: dict[str, Event] = {}
    for event in events:
        seen[event.id] = event
    return list(seen.values())
