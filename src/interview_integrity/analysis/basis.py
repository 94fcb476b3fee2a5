"""What each kind of event was measured against, as typed records (an event's `basis`).

A rule records the numbers behind an event (a baseline, the observed values, a threshold); the registry names
the model each event type's basis follows, and an event checks its basis against it when it is described, so
the API's schema (a union of these) says exactly what a reviewer's tools will find.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Basis(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnglesBasis(_Basis):
    """A look or a head turn, against the candidate's own baseline."""

    measure: Literal["horizontal", "vertical", "yaw"]
    baseline_deg: float = Field(description="The candidate's resting angle.")
    observed_deg: float = Field(description="The angle at the largest departure.")
    departure_deg: float
    candidate_spread_deg: float = Field(description="How much this candidate's readings jitter at rest.")
    departure_spreads: float
    threshold_deg: float


class VotesBasis(_Basis):
    """An object (or a faceless person) seen in k of the last n frames checked for objects."""

    votes: int
    of_frames: int
    needed: int
    detector_score: float
    setup: list[str] | None = Field(default=None, description="The candidate's setup it was told apart from.")


class PhoneBasis(_Basis):
    """A phone, as the second look saw it over an episode of object frames."""

    second_look: float = Field(description="The second look's mean score on the frames it confirmed a phone, 0-1.")
    best: float = Field(description="Its highest score.")
    verified_frames: int = Field(description="Object frames on which it confirmed a phone.")
    of_frames: int = Field(description="Object frames since the first sighting.")
    over_s: float = Field(description="Seconds between the first and the last confirmed sighting.")
    unverified_frames: int = Field(description="Sightings no second look checked (never more than low).")
    high_after_s: float = Field(description="Two confirmed sightings this far apart make the event high...")
    high_at: float = Field(description="...or one score this high.")


class GlancesBasis(_Basis):
    glances: int
    within_s: float
    threshold: int
    glance_s: tuple[float, float] = Field(description="The shortest and longest glance counted.")


class FacesBasis(_Basis):
    faces: int
    face_scores: list[float]
    minimum_s: float


class AbsenceBasis(_Basis):
    faces: Literal[0]
    minimum_s: float
    face_seen_before: bool


class UnusableBasis(_Basis):
    issues: list[str]
    brightness: float


class EmbeddingsBasis(_Basis):
    distance: float
    threshold: float
    checks: int


class StillnessBasis(_Basis):
    unchanged_s: float
    max_change: float


class RepeatsBasis(_Basis):
    lag_s: float
    frames: int
    match_bits: float
    motion_bits: float
    max_ratio: float


class LivenessBasis(_Basis):
    no_blink_s: float


class CameraBasis(_Basis):
    label: str = Field(description="The camera's label as the browser reported it.")


class VoiceBasis(_Basis):
    """Speech heard, against how the candidate's lips moved over the same seconds."""

    speech_share: float = Field(description="The share of the window's sound that was speech.")
    heard_s: float
    lip_activity: float
    lip_statistic: Literal["at the most", "typically"]
    lip_frames: int
    still_below: float
    moving_from: float
    candidate_speaking_activity: float | None = None


# why time went unwatched; declared here, with the basis that records it (analysis/coverage.py explains each)
Unwatched = Literal["no_frames", "refused", "unusable", "frozen", "replayed"]


class UnwatchedBasis(_Basis):
    """Why a stretch of the session could not be watched (analysis/coverage.py names the reasons)."""

    reason: Unwatched
    from_s: float | None = None
    to_s: float | None = None
    usual_interval_s: float | None = None
    ended: bool | None = Field(default=None, description="The stretch ran until the session ended.")
    refused: dict[str, int] | None = Field(default=None, description="Frames refused, by reason.")
    issues: list[str] | None = None
    max_change: float | None = None


BASES: tuple[type[_Basis], ...] = (
    AnglesBasis, VotesBasis, PhoneBasis, GlancesBasis, FacesBasis, AbsenceBasis, UnusableBasis, EmbeddingsBasis,
    StillnessBasis, RepeatsBasis, LivenessBasis, CameraBasis, VoiceBasis, UnwatchedBasis,
)  # fmt: skip
