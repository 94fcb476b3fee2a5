"""Events a reviewer reads: what happened, when, how sure we are, in one sentence."""

from __future__ import annotations

import uuid
from typing import Any, Literal

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
    "identity_changed",
    "stream_frozen",
    "stream_replayed",
    "no_liveness",
    "virtual_camera",
    "camera_changed",
]
# what a client reports: page events, and the camera it uses (`camera`, with its label as the detail)
ClientEventType = Literal["tab_hidden", "window_blur", "fullscreen_exit", "copy_paste", "camera"]
CLIENT_EVENT_TYPES: tuple[str, ...] = ("tab_hidden", "window_blur", "fullscreen_exit", "copy_paste", "camera")
Category = Literal["presence", "attention", "environment", "device", "identity", "camera", "client"]
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
    "identity_changed": "identity",
    "stream_frozen": "camera",
    "stream_replayed": "camera",
    "no_liveness": "camera",
    "virtual_camera": "camera",
    "camera_changed": "camera",
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
    "identity_changed": "The person in view did not look like the session's candidate for {duration} ({detail}).",
    "stream_frozen": "The camera picture did not change for {duration} while frames kept arriving.",
    "stream_replayed": "For {duration} the camera showed a repeat of an earlier part of the session ({detail}).",
    "no_liveness": "The face showed no blink and no change of expression for {duration}.",
    "virtual_camera": "The camera in use is a virtual camera ({detail}), which can play any video.",
    "camera_changed": "The camera changed during the session (now: {detail}).",
}


# what a reviewer reads first: a title for each event type (the code stays beside it) and a short phrase for
# sentences ("one high-severity event: a second face for 6 s")
TITLES: dict[str, str] = {
    "no_face": "Candidate not in view",
    "multiple_faces": "More than one face",
    "extra_person": "Another person in view",
    "gaze_away": "Looked away from the screen",
    "repeated_glances": "Repeated glances away",
    "head_turned": "Head turned away",
    "phone_detected": "Phone in view",
    "book_detected": "Book or notes in view",
    "device_detected": "Another device in view",
    "camera_blocked": "Camera image unusable",
    "tab_hidden": "Interview tab hidden",
    "window_blur": "Window lost focus",
    "fullscreen_exit": "Left full screen",
    "copy_paste": "Copy or paste",
    "identity_changed": "A different person",
    "stream_frozen": "Frozen camera picture",
    "stream_replayed": "Replayed recording",
    "no_liveness": "No sign of a live face",
    "virtual_camera": "Virtual camera",
    "camera_changed": "Camera changed",
}
PHRASES: dict[str, str] = {
    "no_face": "the candidate out of view",
    "multiple_faces": "a second face",
    "extra_person": "another person in view",
    "gaze_away": "looking away from the screen",
    "repeated_glances": "repeated glances away",
    "head_turned": "the head turned away",
    "phone_detected": "a phone",
    "book_detected": "a book or notes",
    "device_detected": "another device",
    "camera_blocked": "an unusable camera image",
    "tab_hidden": "the interview tab hidden",
    "window_blur": "the window losing focus",
    "fullscreen_exit": "leaving full screen",
    "copy_paste": "copy or paste",
    "identity_changed": "a different person",
    "stream_frozen": "a frozen camera picture",
    "stream_replayed": "a replayed recording",
    "no_liveness": "no sign of a live face",
    "virtual_camera": "a virtual camera",
    "camera_changed": "a change of camera",
}


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s" if seconds >= 1 else "under a second"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def _degrees(value: Any) -> str:
    return f"{float(value):+.0f}°" if isinstance(value, (int, float)) else "?"


def measured_against(kind: str, basis: dict[str, Any], detail: str) -> str:
    """One sentence on what an event was measured against: the reviewer's 'compared with what?'."""
    if not basis:
        return "Reported by the candidate's browser." if CATEGORY.get(kind) == "client" else ""
    if "baseline_deg" in basis:
        what = {"horizontal": "gaze sideways", "vertical": "gaze up-down", "yaw": "head turn"}.get(
            str(basis.get("measure")), "angle"
        )
        return (
            f"Measured against the candidate's own baseline ({what}): {_degrees(basis['baseline_deg'])} at rest, "
            f"{_degrees(basis['observed_deg'])} at the most, {basis['departure_deg']:.0f}° away "
            f"({basis['departure_spreads']:.0f} times their usual spread of {basis['candidate_spread_deg']:.0f}°); "
            f"the limit was {basis['threshold_deg']:.0f}°."
        )
    if "votes" in basis:
        text = (
            f"Seen in {basis['votes']} of the last {basis['of_frames']} frames checked for objects "
            f"({basis['needed']} needed), detector score {basis['detector_score']:.2f}."
        )
        if "setup" in basis:
            setup = ", ".join(basis["setup"]) or "nothing"
            text += f" The candidate's setup at the start: {setup}; this was not part of it."
        return text
    if "glances" in basis:
        low, high = basis["glance_s"]
        within, needed = basis["within_s"], basis["threshold"]
        return f"{basis['glances']} glances of {low:g}-{high:g} s within {within:.0f} s; {needed} make an event."
    if "face_scores" in basis:
        scores = ", ".join(f"{s:.2f}" for s in basis["face_scores"])
        return f"{basis['faces']} faces (detector scores {scores}) for at least {basis['minimum_s']:g} s on end."
    if kind == "no_face":
        minimum = basis["minimum_s"]
        text = f"No face in any frame for at least {minimum:g} s on end; frames too dark to judge were left out."
        if basis.get("face_seen_before") is False:
            text += " No face had been seen in the session before: the camera may not show the candidate at all."
        return text
    if kind == "camera_blocked":
        return f"The frames could not be judged: {detail or ', '.join(basis.get('issues', []))}."
    if "distance" in basis:
        return (
            f"Face embeddings compared with the candidate's own from the start of the session: distance "
            f"{basis['distance']:.2f} (the same person is under {basis['threshold']:.2f}), in {basis['checks']} checks "
            f"in a row."
        )
    if "unchanged_s" in basis:
        return (
            f"No part of the picture changed by more than {basis['max_change']:.0f} grey levels between frames for "
            f"{basis['unchanged_s']:.0f} s (a live camera always moves somewhere: lips, eyes, breathing)."
        )
    if "lag_s" in basis:
        return (
            f"{basis['frames']} frames in a row matched, in order, the frames of {basis['lag_s']:.0f} s before: "
            f"{basis['match_bits']:.1f} of 256 hash bits apart, while they moved {basis['motion_bits']:.1f} bits "
            f"from frame to frame (a replay matches within {basis['max_ratio']:.0%} of its own motion)."
        )
    if "label" in basis:
        return f"Reported by the candidate's browser: camera '{basis['label']}'."
    return ""


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

    @property
    def open(self) -> bool:
        return self.ended_at is None

    @property
    def phrase(self) -> str:
        """`a second face for 6 s`: the event in a few words, for sentences."""
        what = PHRASES[self.type]
        return what if self.ended_at == self.started_at else f"{what} for {format_duration(self.duration_s)}"

    def describe(self) -> None:
        self.message = _MESSAGES[self.type].format(duration=format_duration(self.duration_s), detail=self.detail)
        self.measured = measured_against(self.type, self.basis, self.detail)


MAX_SUPPORTING_FRAMES = 50  # a long event keeps its first frames: enough evidence, bounded state
