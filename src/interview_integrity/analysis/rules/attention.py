"""Where the candidate looks: `gaze_away`, `head_turned`, `repeated_glances`, measured from their own baseline.

A departure counts as away when it exceeds a fixed angle (`gaze_away_deg`, `gaze_down_deg`, `head_turn_deg`:
beyond a screen's edge) and `departure_spreads` of the candidate's own spread (calibration.py), so an
oblique camera's noisier readings do not make an honest candidate look away. Every event records what it
was measured against: the baseline, the observed angle, the departure in degrees and in spreads, and the
threshold.

A frame whose gaze cannot be read (unusable, no face, unknown gaze), a session whose baseline is not yet
complete, and a session whose gaze cannot be assessed (calibration.py) abstain: they neither open nor
extend an attention event and do not count toward the share of time looking at the screen.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from interview_integrity.analysis.rules.base import Frame
from interview_integrity.analysis.rules.calibration import Baseline, Calibration
from interview_integrity.analysis.timeline import Condition, Timeline

GLANCE_WINDOW_S = 60.0


class Attending(BaseModel):
    away_since: float | None = None
    glances: list[float] = Field(default_factory=list)
    last_glances_at: float | None = None
    peak_gaze: dict[str, Any] = Field(default_factory=dict, description="The largest departure of the open look.")
    peak_turn: dict[str, Any] = Field(default_factory=dict, description="The largest turn of the open head turn.")


class Attention:
    name = "attention"

    def observe(self, frame: Frame, timeline: Timeline) -> None:
        t = frame.policy.thresholds
        state = frame.state(self.name, Attending)
        baseline = frame.state(Calibration.name, Baseline)
        away, direction, gaze_basis = self._away(frame, baseline)
        stats = frame.session.stats
        if away is not None:
            stats.seconds_gaze_known += frame.dt
            if not away:
                stats.seconds_looking_at_screen += frame.dt
        state.peak_gaze = _followed(state.peak_gaze, away, gaze_basis)
        timeline.sustain(
            "gaze_away",
            away,
            minimum=t.gaze_away_s,
            confidence=frame.signals.gaze.confidence,
            severity=lambda duration: "medium" if duration >= 3 * t.gaze_away_s else "low",
            detail=direction,
            basis=state.peak_gaze,
        )
        turned, turn, turn_basis = self._head_turned(frame, baseline)
        state.peak_turn = _followed(state.peak_turn, turned, turn_basis)
        timeline.sustain(
            "head_turned",
            turned,
            minimum=t.head_turned_s,
            confidence=0.8,
            severity=lambda duration: "medium" if duration >= 3 * t.head_turned_s else "low",
            detail=turn,
            basis=state.peak_turn,
        )
        self._glances(frame, state, away, timeline)

    @staticmethod
    def _away(frame: Frame, baseline: Baseline) -> tuple[Condition, str, dict[str, Any]]:
        signals, t = frame.signals, frame.policy.thresholds
        gaze = signals.gaze
        if not frame.policy.enabled("gaze_away") and not frame.policy.enabled("repeated_glances"):
            return None, "", {}
        if not baseline.gaze_assessable or not signals.quality.usable or signals.faces.count == 0:
            return None, "", {}
        if gaze.direction == "unknown" or gaze.horizontal_deg is None or gaze.vertical_deg is None:
            return None, "", {}
        assert baseline.horizontal is not None and baseline.vertical is not None
        limits = baseline.limits(t)
        h = gaze.horizontal_deg - baseline.horizontal
        v = gaze.vertical_deg - baseline.vertical
        if abs(h) > limits.sideways:
            direction = "toward image-left" if h > 0 else "toward image-right"
            spread = baseline.spread("horizontal")
            basis = _basis("horizontal", baseline.horizontal, gaze.horizontal_deg, h, spread, limits.sideways)
            return True, direction, basis
        if v < -limits.down or v > limits.up:
            threshold = limits.down if v < 0 else limits.up
            spread = baseline.spread("vertical")
            basis = _basis("vertical", baseline.vertical, gaze.vertical_deg, v, spread, threshold)
            return True, ("down" if v < 0 else "up"), basis
        return False, "", {}

    @staticmethod
    def _head_turned(frame: Frame, baseline: Baseline) -> tuple[Condition, str, dict[str, Any]]:
        pose, t = frame.signals.head_pose, frame.policy.thresholds
        if pose is None or frame.signals.faces.count == 0 or not baseline.complete or baseline.yaw is None:
            return None, "", {}
        yaw = pose.yaw - baseline.yaw
        threshold = baseline.limits(t).turn
        if abs(yaw) <= threshold:
            return False, "", {}
        direction = "toward image-left" if yaw > 0 else "toward image-right"
        return True, direction, _basis("yaw", baseline.yaw, pose.yaw, yaw, baseline.spread("yaw"), threshold)

    def _glances(self, frame: Frame, state: Attending, away: Condition, timeline: Timeline) -> None:
        t, now = frame.policy.thresholds, frame.now
        if away is None:
            return
        if away:
            state.away_since = now if state.away_since is None else state.away_since
            return
        if state.away_since is not None and t.glance_min_s <= now - state.away_since < t.gaze_away_s:
            state.glances.append(now)
        state.away_since = None
        state.glances = [g for g in state.glances if now - g <= GLANCE_WINDOW_S]
        recent = state.last_glances_at is not None and now - state.last_glances_at < GLANCE_WINDOW_S
        if not frame.policy.enabled("repeated_glances") or recent or len(state.glances) < t.repeated_glances:
            return
        timeline.instant(
            "repeated_glances",
            state.glances[0],
            ended_at=now,
            confidence=0.7,
            severity="medium",
            detail=f"{len(state.glances)} times",
            basis={
                "glances": len(state.glances),
                "within_s": GLANCE_WINDOW_S,
                "threshold": t.repeated_glances,
                "glance_s": [t.glance_min_s, t.gaze_away_s],
            },
        )
        state.last_glances_at = now


def _basis(
    axis: str, baseline: float, observed: float, departure: float, spread: float, threshold: float
) -> dict[str, Any]:
    return {
        "measure": axis,
        "baseline_deg": round(baseline, 1),
        "observed_deg": round(observed, 1),
        "departure_deg": round(abs(departure), 1),
        "candidate_spread_deg": round(spread, 1),
        "departure_spreads": round(abs(departure) / spread, 1),
        "threshold_deg": round(threshold, 1),
    }


def _followed(kept: dict[str, Any], condition: Condition, current: dict[str, Any]) -> dict[str, Any]:
    """The basis of the largest departure of the look or turn under way (an unknown frame keeps it)."""
    if condition is None:
        return kept
    if not condition:
        return {}
    return current if current.get("departure_deg", 0) >= kept.get("departure_deg", 0) else kept
