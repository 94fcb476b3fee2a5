"""Every event type, declared once: what a reviewer reads of it, what it weighs, who reports it.

Everything else is derived from `EVENTS` (the policy's weights and rule switches, the report's titles, the
API's enums, the client event types) or checked against it by a test (tests/analysis/test_registry.py: the
`EventType` literal, the JavaScript client's lists). Adding an event type is one entry here and the rule
that raises it (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from interview_integrity.analysis import basis as b
from interview_integrity.analysis import explain
from interview_integrity.analysis.explain import Explain

EventType = Literal[
    "no_face", "multiple_faces", "extra_person", "gaze_away", "repeated_glances", "head_turned",
    "phone_detected", "book_detected", "device_detected", "camera_blocked",
    "tab_hidden", "window_blur", "fullscreen_exit", "copy_paste",
    "identity_changed", "stream_frozen", "stream_replayed", "no_liveness", "virtual_camera", "camera_changed",
    "other_voice", "speaking", "not_watched",
]  # fmt: skip
# what a client may report: its page events (the registry's `client` entries) and the camera it uses
# (`camera`, its label as the detail), which raises virtual_camera or camera_changed when it matters
ClientEventType = Literal["tab_hidden", "window_blur", "fullscreen_exit", "copy_paste", "camera"]
# event types that are off unless a policy lists them in `enabled_rules` (the `optional` entries)
OptionalEventType = Literal["no_liveness", "speaking"]
Category = Literal[
    "presence", "attention", "environment", "device", "identity", "camera", "client", "sound", "coverage"
]
Severity = Literal["low", "medium", "high"]
REPORTED_CAMERA = "camera"


@dataclass(frozen=True)
class EventSpec:
    category: Category
    title: str  # what a reviewer reads first ("Phone in view"); the code stays beside it
    phrase: str  # the event in a few words, for sentences ("a phone")
    message: str  # one sentence, with {duration} and {detail}
    weight: float  # risk points the event adds, times its confidence, scaled by its severity
    severity: Severity  # the severity it is raised with, unless its rule grades it by what it saw
    explain: Explain = explain.nothing  # what it was measured against, in a sentence (explain.py)
    basis: type[BaseModel] | None = None  # the numbers behind it (basis.py); None: it carries none
    client: bool = False  # reported by the candidate's browser, not seen in frames
    optional: bool = False  # off unless a policy switches it on: honest clips trip it too often


EVENTS: dict[EventType, EventSpec] = {
    "no_face": EventSpec(
        "presence", "Candidate not in view", "the candidate out of view",
        "No face was visible for {duration}.", 15, "medium", explain.absence, basis=b.AbsenceBasis,
    ),
    "multiple_faces": EventSpec(
        "identity", "More than one face", "a second face",
        "More than one face was visible for {duration}.", 35, "high", explain.faces, basis=b.FacesBasis,
    ),
    "extra_person": EventSpec(
        "identity", "Another person in view", "another person in view",
        "A person without a visible face was in view for {duration}, besides the candidate.", 25, "medium",
        explain.votes, basis=b.VotesBasis,
    ),
    "gaze_away": EventSpec(
        "attention", "Looked away from the screen", "looking away from the screen",
        "The candidate looked {detail} from the screen for {duration}.", 8, "low", explain.angles,
        basis=b.AnglesBasis,
    ),
    "repeated_glances": EventSpec(
        "attention", "Repeated glances away", "repeated glances away",
        "The candidate glanced away from the screen {detail} within a minute.", 15, "medium", explain.glances,
        basis=b.GlancesBasis,
    ),
    "head_turned": EventSpec(
        "attention", "Head turned away", "the head turned away",
        "The candidate's head was turned {detail} for {duration}.", 8, "low", explain.angles, basis=b.AnglesBasis,
    ),
    "phone_detected": EventSpec(
        "device", "Phone in view", "a phone",
        "A phone was seen in the frame for {duration}.", 45, "low", explain.second_look, basis=b.PhoneBasis,
    ),
    "book_detected": EventSpec(
        "environment", "Book or notes in view", "a book or notes",
        "A book or paper was seen in the frame for {duration}.", 20, "medium", explain.votes, basis=b.VotesBasis,
    ),
    "device_detected": EventSpec(
        "device", "Another device in view", "another device",
        "Another device ({detail}) was seen in the frame for {duration}.", 25, "medium", explain.votes,
        basis=b.VotesBasis,
    ),
    "camera_blocked": EventSpec(
        "presence", "Camera image unusable", "an unusable camera image",
        "The camera image could not be assessed ({detail}) for {duration}.", 3, "low", explain.unusable,
        basis=b.UnusableBasis,
    ),
    "tab_hidden": EventSpec(
        "client", "Interview tab hidden", "the interview tab hidden",
        "The interview tab was hidden.", 15, "medium", explain.browser, client=True,
    ),
    "window_blur": EventSpec(
        "client", "Window lost focus", "the window losing focus",
        "The interview window lost focus.", 5, "low", explain.browser, client=True,
    ),
    "fullscreen_exit": EventSpec(
        "client", "Left full screen", "leaving full screen",
        "The candidate left full-screen mode.", 5, "low", explain.browser, client=True,
    ),
    "copy_paste": EventSpec(
        "client", "Copy or paste", "copy or paste",
        "Copy or paste was used in the interview page.", 20, "medium", explain.browser, client=True,
    ),
    "identity_changed": EventSpec(
        "identity", "A different person", "a different person",
        "The person in view did not look like the session's candidate for {duration} ({detail}).", 40, "high",
        explain.embeddings, basis=b.EmbeddingsBasis,
    ),
    "stream_frozen": EventSpec(
        "camera", "Frozen camera picture", "a frozen camera picture",
        "The camera picture did not change for {duration} while frames kept arriving.", 20, "medium",
        explain.stillness, basis=b.StillnessBasis,
    ),
    "stream_replayed": EventSpec(
        "camera", "Replayed recording", "a replayed recording",
        "For {duration} the camera showed a repeat of an earlier part of the session ({detail}).", 35, "high",
        explain.repeats, basis=b.RepeatsBasis,
    ),
    "no_liveness": EventSpec(
        "camera", "No sign of a live face", "no sign of a live face",
        "The face showed no blink and no change of expression for {duration}.", 5, "low",
        optional=True, basis=b.LivenessBasis,
    ),
    "virtual_camera": EventSpec(
        "camera", "Virtual camera", "a virtual camera",
        "The camera in use is a virtual camera ({detail}), which can play any video.", 8, "low",
        explain.camera_label, basis=b.CameraBasis,
    ),
    "camera_changed": EventSpec(
        "camera", "Camera changed", "a change of camera",
        "The camera changed during the session (now: {detail}).", 5, "low", explain.camera_label, basis=b.CameraBasis,
    ),
    "other_voice": EventSpec(
        "sound", "Another voice", "another voice",
        "A voice was heard for {duration} while the candidate's lips stayed still.", 40, "medium",
        explain.voice, basis=b.VoiceBasis,
    ),
    "speaking": EventSpec(
        "sound", "Candidate speaking", "the candidate speaking",
        "The candidate spoke for {duration}, in a session whose policy asks for silence.", 10, "low",
        explain.voice, basis=b.VoiceBasis, optional=True,
    ),
    # no risk of its own: time nobody could watch is not a suspicion; the verdict weighs it as coverage
    # (analysis/coverage.py: `incomplete` when too little of the session was watched)
    "not_watched": EventSpec(
        "coverage", "Not watched", "time that could not be watched",
        "For {duration} the session could not be watched: {detail}.", 0, "low", explain.unwatched,
        basis=b.UnwatchedBasis,
    ),
}  # fmt: skip

EVENT_TYPES: tuple[EventType, ...] = tuple(EVENTS)
OPTIONAL: tuple[EventType, ...] = tuple(t for t, spec in EVENTS.items() if spec.optional)
CLIENT_REPORTED: tuple[EventType, ...] = tuple(t for t, spec in EVENTS.items() if spec.client)
CLIENT_EVENT_TYPES: tuple[str, ...] = (*CLIENT_REPORTED, REPORTED_CAMERA)


def title(event_type: str) -> str:
    """The reviewer's title of an event type; an unknown type (an old record) shows its code."""
    spec = EVENTS.get(event_type)  # type: ignore[call-overload]
    return spec.title if spec is not None else event_type
