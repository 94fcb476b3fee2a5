"""What a session remembers between frames: small pydantic models, so the state can live in Redis.

The engine's own part (clock, time counters, open conditions, events, risk) is shared by every rule; each
rule keeps the rest of what it needs under its own name in `rules` (analysis/rules/base.py).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from interview_integrity.analysis.events import Event
from interview_integrity.analysis.scoring import RiskState


class Streak(BaseModel):
    """A condition that holds or held recently, and the event it opened."""

    since: float | None = None
    last_seen: float | None = None
    event_id: str | None = None
    confidences: list[float] = Field(default_factory=list)
    detail: str = ""


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
    streaks: dict[str, Streak] = Field(default_factory=dict)
    events: list[Event] = Field(default_factory=list)
    risk: RiskState = Field(default_factory=RiskState)
    risk_timeline: list[tuple[float, float]] = Field(
        default_factory=list, description="(time, live score) at most once a second, thinned to stay small."
    )
    stats: Stats = Field(default_factory=Stats)
    gaps: list[tuple[float, float]] = Field(
        default_factory=list,
        description="Pauses: stretches over 2 s and over three usual intervals without a frame (the last 200).",
    )
    usual_interval: float = Field(0.0, description="The stream's running average time between frames, pauses left out.")
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict, description="Each rule's own state, by its name.")
