"""Events a reviewer reads: what happened, when, how sure we are, in one sentence."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

EventType = Literal[
    "no_face",
    "multiple_faces",
    "extra_person",
    "gaze_away",
    "repeated_glances",
    "head_turned",
    "phone_detected",
    "book_detected",
    "device_detected",
    "camera_blocked",
    "tab_hidden",
    "window_blur",
    "fullscreen_exit",
    "copy_paste",
]
ClientEventType = Literal["tab_hidden", "window_blur", "fullscreen_exit", "copy_paste"]
Category = Literal["presence", "attention", "environment", "device", "identity", "client"]
Severity = Literal["low", "medium", "high"]

CATEGORY: dict[str, Category] = {
    "no_face": "presence",
    "multiple_faces": "identity",
    "extra_person": "identity",
    "gaze_away": "attention",
    "repeated_glances": "attention",
    "head_turned": "attention",
    "phone_detected": "device",
    "book_detected": "environment",
    "device_detected": "device",
    "camera_blocked": "presence",
    "tab_hidden": "client",
    "window_blur": "client",
    "fullscreen_exit": "client",
    "copy_paste": "client",
}

_MESSAGES: dict[str, str] = {
    "no_face": "No face was visible for {duration}.",
    "multiple_faces": "More than one face was visible for {duration}.",
    "extra_person": "A person without a visible face was in view for {duration}, besides the candidate.",
    "gaze_away": "The candidate looked {detail} from the screen for {duration}.",
    "repeated_glances": "The candidate glanced away from the screen {detail} within a minute.",
    "head_turned": "The candidate's head was turned {detail} for {duration}.",
    "phone_detected": "A phone was seen in the frame for {duration}.",
    "book_detected": "A book or paper was seen in the frame for {duration}.",
    "device_detected": "Another device ({detail}) was seen in the frame for {duration}.",
    "camera_blocked": "The camera image could not be assessed ({detail}) for {duration}.",
    "tab_hidden": "The interview tab was hidden.",
    "window_blur": "The interview window lost focus.",
    "fullscreen_exit": "The candidate left full-screen mode.",
    "copy_paste": "Copy or paste was used in the interview page.",
}


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
    message: str = ""

    @property
    def open(self) -> bool:
        return self.ended_at is None

    def describe(self) -> None:
        self.message = _MESSAGES[self.type].format(duration=format_duration(self.duration_s), detail=self.detail)


MAX_SUPPORTING_FRAMES = 50  # a long event keeps its first frames: enough evidence, bounded state
