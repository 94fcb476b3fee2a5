"""How strong a phone's evidence is: a phone event is `high` only when the second look was sure of it.

The objects rule decides whether a phone is in view (k of the last n object frames, objects.py); this module
decides how much that weighs. A phone box counts as seen only once the second look (a classifier that sees
the candidate box cropped from the full-resolution frame, vision/phone/) has verified it; the frame's
evidence is that check's score. An episode of sightings is `high` when the second look was sure on two object
frames at least `phone_confirm_gap_s` apart, or very sure once (`phone_sure`); anything less is `low`, with
its evidence. A phone box that no second look checked (the verifier switched off) is never more than `low`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from interview_integrity.analysis.events import Severity
from interview_integrity.analysis.policy import Thresholds
from interview_integrity.vision.signals import DetectedObject

EPISODE_GAP_S = 30.0  # sightings further apart than this are another episode: old evidence does not carry


class Sighting(BaseModel):
    at: float
    score: float | None = Field(description="The second look's score; None: no second look checked this box.")


class PhoneEvidence(BaseModel):
    sightings: list[Sighting] = Field(default_factory=list)
    frames: int = Field(0, description="Object frames since the episode's first sighting.")

    def observe(self, now: float, phones: list[DetectedObject], analysed: bool) -> None:
        """One frame's phones (already past the second look, when it runs)."""
        if not analysed:
            return
        if self.sightings and now - self.sightings[-1].at > EPISODE_GAP_S:
            self.sightings, self.frames = [], 0
        if phones:
            scores = [p.second_look for p in phones if p.second_look is not None]
            self.sightings = [*self.sightings, Sighting(at=now, score=max(scores) if scores else None)][-50:]
        if self.sightings:
            self.frames += 1

    def verified(self) -> list[Sighting]:
        """The sightings a second look confirmed (the analyzer passes on only the phones it confirmed)."""
        return [s for s in self.sightings if s.score is not None]

    def severity(self, thresholds: Thresholds) -> Severity:
        sure = self.verified()
        if not sure:
            return "low"
        very_sure = any(s.score is not None and s.score >= thresholds.phone_sure for s in sure)
        spread = sure[-1].at - sure[0].at >= thresholds.phone_confirm_gap_s
        return "high" if very_sure or spread else "low"

    def confidence(self) -> float:
        """The mean score of the verified sightings: the number the basis and the report show."""
        sure = [s.score for s in self.verified() if s.score is not None]
        return round(sum(sure) / len(sure), 3) if sure else 0.3

    def basis(self, thresholds: Thresholds) -> dict[str, object]:
        sure = self.verified()
        return {
            "second_look": self.confidence(),
            "best": round(max((s.score or 0.0 for s in sure), default=0.0), 3),
            "verified_frames": len(sure),
            "of_frames": self.frames,
            "over_s": round(sure[-1].at - sure[0].at, 1) if sure else 0.0,
            "unverified_frames": sum(s.score is None for s in self.sightings),
            "high_after_s": thresholds.phone_confirm_gap_s,
            "high_at": thresholds.phone_sure,
        }
