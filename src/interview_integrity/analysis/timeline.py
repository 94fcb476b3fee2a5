"""A session's events over time: rules say what they see in each frame, the timeline keeps the events.

Every rule works on time, not single frames, through the same few steps:
- a condition (True / False / None: the frame cannot tell) opens an event once it has held for the rule's
  minimum duration, and closes only after it has been gone for `close_after_s` (hysteresis);
- a condition back within `merge_within_s` continues its last event: one long look away is one event;
- an unknown frame neither opens nor extends anything, and a long stretch of them closes an open event;
- an event's severity may rise with its duration (escalation), adding the difference to the risk;
- an instant event (a client event, a glance count) opens and closes at once;
- a rule that measures a stretch itself (coverage) opens, extends and closes its event with `stretch`.

An event keeps its true start (the first frame of its condition, or earlier when the rule knows better:
`since`), but the risk points it adds count from the moment it is known, so the live score never rises
back in time.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from interview_integrity.analysis.events import MAX_SUPPORTING_FRAMES, Event, EventType, Severity
from interview_integrity.analysis.policy import Policy
from interview_integrity.analysis.registry import EVENTS
from interview_integrity.analysis.scoring import add_points, event_points
from interview_integrity.analysis.state import SessionState, Streak

Condition = bool | None  # None: the frame cannot tell (abstain)
SeverityOf = Callable[[float], Severity]  # an event's severity from its duration
UNKNOWN_CLOSES_AFTER_S = 3.0  # a long stretch of unknown frames ends an open event


def fixed(severity: Severity) -> SeverityOf:
    return lambda _duration: severity


class Timeline:
    def __init__(
        self, state: SessionState, policy: Policy, now: float, frame_index: int, interval: float | None = None
    ) -> None:
        self.state = state
        self.policy = policy
        self.now = now
        self.frame_index = frame_index
        # the time one observation stands for: a frame's interval, or a step of sound (rules/voice.py)
        self.interval = state.frame_interval if interval is None else interval
        self.changed: list[Event] = []

    def sustain(
        self,
        kind: EventType,
        condition: Condition,
        *,
        minimum: float,
        confidence: float,
        severity: SeverityOf,
        detail: str = "",
        basis: dict[str, Any] | None = None,
        broken_by_one: bool = False,
        since: float | None = None,
        overall: float | None = None,
    ) -> None:
        """Feed one frame's condition for `kind`: open, extend, escalate or close its event. A condition that
        is gone for `close_after_s` ends its streak (a glance back does not end looking away); with
        `broken_by_one`, one frame without it does (one moving frame proves a camera live). `since`: when the
        condition began, when the rule knows it began before this frame (a vote that passes on its k-th
        frame, a replay recognised after seconds). An event's confidence is the mean of its frames'
        `confidence`, or `overall` when the rule knows it as a whole."""
        if not self.policy.enabled(kind):
            return
        state, now = self.state, self.now
        streak = state.streaks.setdefault(kind, Streak())
        event = self._event(streak.event_id)
        if condition is None:
            if streak.last_seen is not None and now - streak.last_seen > UNKNOWN_CLOSES_AFTER_S:
                self._close(streak, event)
            return
        if not condition:
            if (
                broken_by_one
                or streak.last_seen is None
                or now - streak.last_seen >= self.policy.thresholds.close_after_s
            ):
                self._close(streak, event)
            return
        if streak.since is None:
            start = now if since is None else min(now, since)
            if streak.last_seen is not None:
                start = max(start, streak.last_seen)  # never back over the streak before
            streak.since, streak.confidences = start, []
        streak.last_seen = now
        streak.detail = detail or streak.detail
        streak.confidences = [*streak.confidences, confidence][-20:]
        # frames sample time: a condition seen from frame a to frame b covered b - a plus one frame
        if event is None and now - streak.since + self.interval >= minimum:
            event = self._reopen(kind, streak.since) or self._open(kind, streak.since, severity(0.0))
            streak.event_id = event.id
            self.changed.append(event)
        if event is not None:
            if len(event.frames) < MAX_SUPPORTING_FRAMES and self.frame_index >= 0:  # sound has no frame
                event.frames.append(self.frame_index)
            event.detail = streak.detail
            if basis:
                event.basis = {**event.basis, **basis}
            event.duration_s = round(now - event.started_at, 2)
            mean = statistics.fmean(streak.confidences) if overall is None else overall
            event.confidence = round(min(0.99, mean), 3)
            if self._escalate(event, severity(event.duration_s)):
                self.changed.append(event)

    def instant(
        self,
        kind: EventType,
        started_at: float,
        *,
        confidence: float,
        severity: Severity,
        detail: str = "",
        ended_at: float | None = None,
        basis: dict[str, Any] | None = None,
    ) -> Event:
        """An event that opens and closes at once (from `started_at` to `ended_at`, default the same time)."""
        event = self._open(kind, started_at, severity)
        event.ended_at = started_at if ended_at is None else ended_at
        event.duration_s = round(event.ended_at - event.started_at, 2)
        event.frames = [self.frame_index] if self.frame_index >= 0 else []
        event.confidence, event.detail, event.basis = confidence, detail, basis or {}
        self.changed.append(event)
        return event

    def stretch(
        self,
        kind: EventType,
        started_at: float,
        until: float,
        *,
        event_id: str | None = None,
        closed: bool,
        detail: str = "",
        basis: dict[str, Any] | None = None,
    ) -> Event:
        """An event over a stretch its rule measured itself: opened from `started_at` (or continuing the event
        `event_id`), lasting to `until`, and closed there when `closed`."""
        event = self._event(event_id)
        opened = event is None
        if event is None:
            event = self._open(kind, started_at, EVENTS[kind].severity)
            event.confidence = 1.0
            self.changed.append(event)
        elif closed:
            self.changed.append(event)
        if (opened or not closed) and self.frame_index >= 0 and len(event.frames) < MAX_SUPPORTING_FRAMES:
            event.frames.append(self.frame_index)  # the frames that showed it (the one after a pause, for one)
        event.detail = detail or event.detail
        event.basis = event.basis if basis is None else basis
        event.duration_s = round(until - event.started_at, 2)
        event.ended_at = until if closed else None
        return event

    def close_all(self) -> list[Event]:
        """Close every open event at its condition's last frame (the end of a session)."""
        for streak in self.state.streaks.values():
            self._close(streak, self._event(streak.event_id))
        return self.changed

    # -- the steps ----------------------------------------------------------------------------------
    def _event(self, event_id: str | None) -> Event | None:
        return next((e for e in reversed(self.state.events) if e.id == event_id), None) if event_id else None

    def _open(self, kind: EventType, since: float, severity: Severity) -> Event:
        # numbered within the session: the same frames give the same events, ids included, on every replay
        number = len(self.state.events) + 1
        event = Event(
            id=f"e{number}",
            type=kind,
            category=EVENTS[kind].category,
            severity=severity,
            confidence=0.5,
            started_at=since,
        )
        self.state.events.append(event)
        # points count from now, when the event is known, not from its (earlier) start
        add_points(self.state.risk, self.now, self.policy, event.category, event_points(event, self.policy))
        return event

    def _reopen(self, kind: EventType, since: float) -> Event | None:
        """The same condition back within merge_within_s continues its last event."""
        last = next((e for e in reversed(self.state.events) if e.type == kind), None)
        if last is None or last.ended_at is None or since - last.ended_at > self.policy.thresholds.merge_within_s:
            return None
        last.ended_at = None
        return last

    def _escalate(self, event: Event, severity: Severity) -> bool:
        if severity == event.severity:
            return False
        before = event_points(event, self.policy)
        event.severity = severity
        add_points(self.state.risk, self.now, self.policy, event.category, event_points(event, self.policy) - before)
        return True

    def _close(self, streak: Streak, event: Event | None) -> None:
        streak.since = None
        streak.event_id = None
        if event is None or streak.last_seen is None:
            return
        event.ended_at = streak.last_seen
        event.duration_s = round(event.ended_at - event.started_at, 2)
        self.changed.append(event)
