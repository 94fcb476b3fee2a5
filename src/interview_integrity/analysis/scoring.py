"""Risk score 0-100 with exponential decay, the session verdict and its explanation.

The live score tells what is happening now and decays (half-life in the policy). The verdict comes from
the PEAK score and the tally of medium and high events, so a phone at minute 2 is not forgotten by
minute 40; a session that was not watched enough (coverage.py) cannot be `clear`: it is `incomplete`,
unless what was seen asks for a review anyway. Words are chosen for a reviewer: a verdict asks a person
to look; it never accuses.

Points count from the moment an event is known (recognised), even when the event itself starts earlier
(a sustained condition keeps its true start): the live score, and the chart drawn from it, show what was
known at each time, and fall only as fast as the half-life.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from interview_integrity.analysis.events import Event, EventType, Severity
from interview_integrity.analysis.policy import Policy

Verdict = Literal["clear", "incomplete", "review", "high_risk"]
Level = Literal["low", "medium", "high"]
SEVERITY_FACTOR = {"low": 0.5, "medium": 1.0, "high": 1.5}
VERDICT_MEANING = {
    "clear": "Nothing in this session needs a second look.",
    "incomplete": "Too little of this session could be watched to call it clear: what was seen is reported; "
    "a person decides whether the rest matters.",
    "review": "Needs human review: some moments are worth a look before any decision.",
    "high_risk": "Needs human review soon: several strong signals. This is not a finding of misconduct.",
}


class RiskState(BaseModel):
    score: float = 0.0
    peak: float = 0.0
    peak_at: float | None = Field(default=None, description="When the peak was reached, on the session's clock.")
    updated_at: float | None = None
    by_category: dict[str, float] = Field(default_factory=dict, description="Points added, per category.")


@dataclass(frozen=True)
class Watched:
    """What the verdict needs of a session's coverage (coverage.py measures it)."""

    enough: bool = True
    why: str = ""  # when not enough: why, in words ("only 25% of the session could be watched: ...")


WATCHED = Watched()


class Risk(BaseModel):
    score: float
    level: Level
    verdict: Verdict


def decayed(state: RiskState, now: float, half_life_s: float) -> float:
    if state.updated_at is None or now <= state.updated_at:
        return state.score
    return float(state.score * 0.5 ** ((now - state.updated_at) / half_life_s))


def advance(state: RiskState, now: float, policy: Policy) -> None:
    state.score = decayed(state, now, policy.risk_half_life_s)
    state.updated_at = now if state.updated_at is None else max(now, state.updated_at)


def add_points(state: RiskState, now: float, policy: Policy, category: str, points: float) -> None:
    advance(state, now, policy)
    if not points:
        return  # an event that weighs nothing (not_watched) adds no category to the tally
    state.score = min(100.0, state.score + points)
    if state.score > state.peak:
        state.peak, state.peak_at = state.score, max(now, state.updated_at or now)
    state.by_category[category] = round(state.by_category.get(category, 0.0) + points, 2)


def event_points(event: Event, policy: Policy) -> float:
    return policy.weights.for_type(event.type) * event.confidence * SEVERITY_FACTOR[event.severity]


def level(score: float, policy: Policy) -> Level:
    if score >= policy.high_risk_score:
        return "high"
    return "medium" if score >= policy.review_score else "low"


def verdict(peak: float, events: list[Event], policy: Policy, watched: Watched = WATCHED) -> Verdict:
    high = sum(e.severity == "high" for e in events)
    medium = sum(e.severity == "medium" for e in events)
    if peak >= policy.high_risk_score or high >= 2:
        return "high_risk"
    if peak >= policy.review_score or high >= 1 or medium >= 2:
        return "review"
    return "clear" if watched.enough else "incomplete"


def current_risk(state: RiskState, events: list[Event], policy: Policy, now: float, watched: Watched = WATCHED) -> Risk:
    score = decayed(state, now, policy.risk_half_life_s)
    return Risk(score=round(score, 1), level=level(score, policy), verdict=verdict(state.peak, events, policy, watched))


def _listed(events: list[Event]) -> str:
    strongest = sorted(events, key=lambda e: (-SEVERITY_FACTOR[e.severity], -e.duration_s))[:3]
    more = len(events) - len(strongest)
    return "; ".join(e.phrase for e in strongest) + (f"; and {more} more" if more > 0 else "")


_COUNT = {1: "One", 2: "Two", 3: "Three"}


def reason(peak: float, events: list[Event], policy: Policy, watched: Watched = WATCHED) -> str:
    """The verdict's reason in one sentence: which of the verdict's rules decided it, and on what (and, when
    the session was not watched enough, that too)."""
    seen = _seen(peak, [e for e in events if e.type != "not_watched"], policy)
    if watched.enough:
        return seen
    why = watched.why[:1].upper() + watched.why[1:]
    if verdict(peak, events, policy, watched) == "incomplete":
        return f"{why}." if seen.startswith("Nothing was seen") else f"{why}. {seen}"
    return f"{seen} Also, {watched.why}."


def _seen(peak: float, events: list[Event], policy: Policy) -> str:
    high = [e for e in events if e.severity == "high"]
    medium = [e for e in events if e.severity == "medium"]
    seen = _listed(high + medium or events)
    if peak >= policy.high_risk_score:
        return f"The risk reached {peak:.0f}, over the high-risk line of {policy.high_risk_score:.0f}: {seen}."
    if len(high) >= 2:
        return f"{_COUNT.get(len(high), str(len(high)))} high-severity events: {_listed(high)}."
    if peak >= policy.review_score:
        return f"The risk reached {peak:.0f}, over the review line of {policy.review_score:.0f}: {seen}."
    if high:
        return f"One high-severity event, though the risk stayed under the review line: {high[0].phrase}."
    if len(medium) >= 2:
        return f"{_COUNT.get(len(medium), str(len(medium)))} medium-severity events: {_listed(medium)}."
    if events:
        return (
            f"Nothing reached the review line (peak risk {peak:.0f} of {policy.review_score:.0f}): {_listed(events)}."
        )
    return "Nothing was seen that needs a second look."


class NotableEvent(BaseModel):
    id: str
    type: EventType
    severity: Severity
    message: str


class Explanation(BaseModel):
    """Why the verdict is what it is, for a reviewer."""

    verdict: Verdict
    meaning: str = Field(description="What the verdict asks of a reviewer.")
    reason: str = Field(description="Which of the verdict's rules decided it, and on what, in one sentence.")
    peak_score: float
    peak_at: float | None = Field(description="When the peak was reached, on the session's clock.")
    points_by_category: dict[str, float] = Field(description="Risk points added, per category, largest first.")
    medium_or_high_events: list[NotableEvent]


def explanation(state: RiskState, events: list[Event], policy: Policy, watched: Watched = WATCHED) -> Explanation:
    result = verdict(state.peak, events, policy, watched)
    notable = [e for e in events if e.severity in ("medium", "high")]
    return Explanation(
        verdict=result,
        meaning=VERDICT_MEANING[result],
        reason=reason(state.peak, events, policy, watched),
        peak_score=round(state.peak, 1),
        peak_at=state.peak_at,
        points_by_category=dict(sorted(state.by_category.items(), key=lambda kv: -kv[1])),
        medium_or_high_events=[
            NotableEvent(id=e.id, type=e.type, severity=e.severity, message=e.message) for e in notable
        ],
    )
