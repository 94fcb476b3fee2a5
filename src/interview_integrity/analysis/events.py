"""Events a reviewer reads: what happened, when, how sure we are, in one sentence."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from interview_integrity.analysis.registry import (
    CLIENT_EVENT_TYPES,
    EVENTS,
    Category,
    ClientEventType,
    EventType,
    Severity,
)
from interview_integrity.analysis.registry import title as title_of

__all__ = ["CLIENT_EVENT_TYPES", "Category", "ClientEventType", "Event", "EventType", "Severity", "format_duration"]


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s" if seconds >= 1 else "under a second"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


class Event(BaseModel):
    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    type: EventType
    category: Category
    severity: Severity
    confidence: float = Field(ge=0, le=1)
    started_at: float
    ended_at: float | None = None
    duration_s: float = 0.0
    frames: list[int] = Field(default_factory=list, description="Indexes of frames that support the event.")
    detail: str = ""
    basis: dict[str, Any] = Field(
        default_factory=dict,
        description="What the event was measured against and what was observed (a baseline, the observed values, "
        "a threshold), in the rule's own terms.",
    )
    message: str = ""
    measured: str = Field(default="", description="What the event was measured against, in one sentence.")
    title: str = Field(
        default="", description="What a reviewer reads first (`Phone in view`), from the registry; `type` is the code."
    )

    def model_post_init(self, context: Any, /) -> None:
        self.title = title_of(self.type)  # always the registry's, whatever was stored

    @property
    def open(self) -> bool:
        return self.ended_at is None

    @property
    def phrase(self) -> str:
        """`a second face for 6 s`: the event in a few words, for sentences."""
        what = EVENTS[self.type].phrase
        return what if self.ended_at == self.started_at else f"{what} for {format_duration(self.duration_s)}"

    def describe(self) -> None:
        spec = EVENTS[self.type]
        if self.basis and spec.basis is not None:
            # the shape the registry declares for this type, and the API's schema promises
            self.basis = spec.basis.model_validate(self.basis).model_dump(exclude_none=True)
        self.message = spec.message.format(duration=format_duration(self.duration_s), detail=self.detail)
        self.measured = spec.explain(self.basis, self.detail)


MAX_SUPPORTING_FRAMES = 50  # a long event keeps its first frames: enough evidence, bounded state
