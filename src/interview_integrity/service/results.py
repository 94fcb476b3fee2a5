"""What the service answers about a session, typed: a frame's result, a status, the report, a listing, and
the webhook payloads. The same models serve REST, the WebSocket, webhooks and the OpenAPI schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self

from pydantic import BaseModel, Field, PrivateAttr

from interview_integrity.analysis.check import SessionCheck
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import Policy
from interview_integrity.analysis.rules.voice import SoundKind
from interview_integrity.analysis.scoring import Risk, Verdict
from interview_integrity.analysis.summary import Summary
from interview_integrity.stores.base import Decision, Delivery, Evidence, Review, SessionStatusName
from interview_integrity.vision.signals import DetectedObject, Faces, Gaze, HeadPose, Quality


class FrameResult(BaseModel):
    session_id: str
    frame_index: int
    timestamp: float
    frame_id: str | None = Field(default=None, description="The client's id of the frame, as sent.")
    resent: bool = Field(
        default=False,
        description="True: the session had analysed this frame already (the same timestamp or frame_id); this is "
        "the answer it got then, and nothing was analysed or counted again.",
    )
    processing_ms: float
    faces: Faces
    gaze: Gaze
    head_pose: HeadPose | None
    objects: list[DetectedObject]
    objects_analyzed: bool
    quality: Quality
    events: list[Event] = Field(description="Events opened, escalated or closed by this frame.")
    risk: Risk
    check: SessionCheck = Field(description="The start-of-session check, as it stands after this frame.")
    _json: str | None = PrivateAttr(default=None)  # the answer as written once kept: a cache, not a field

    def keep_json(self) -> str:
        """The answer as JSON, written once and kept: the store keeps it and the API sends it as it is (the
        answer is not changed after this)."""
        self._json = self.model_dump_json()
        return self._json

    def json_text(self) -> str:
        """The answer as JSON: the text kept when it was written, else written now."""
        return self._json if self._json is not None else self.model_dump_json()

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copy = super().model_copy(update=update, deep=deep)
        copy._json = None  # a copy may differ: its JSON is written anew
        return copy

    def __eq__(self, other: object) -> bool:
        """Equal answers are equal whether or not one's JSON was written (the cache is not compared)."""
        if not isinstance(other, FrameResult):
            return NotImplemented
        return self.__dict__ == other.__dict__


class AudioResult(BaseModel):
    """What one chunk of sound gave: where it was placed, how much of it was speech, the events it raised.

    Sound is judged beside the candidate's lips, so a moment is judged once frames have come about a second
    past it: a chunk's events may come with a later chunk or frame."""

    session_id: str
    timestamp: float = Field(description="Where the chunk's first sample was placed on the session's clock.")
    duration_s: float = Field(description="The chunk's length.")
    speech_s: float = Field(description="Seconds of the chunk the voice-activity model called speech.")
    judged_until: float | None = Field(
        description="Sound up to this time has been judged beside the lips; later sound waits for frames."
    )
    processing_ms: float
    events: list[Event] = Field(description="Events opened, escalated or closed by the sound judged now.")
    risk: Risk


class SessionFacts(BaseModel):
    """What every answer about a session says of it first."""

    session_id: str
    candidate_id: str
    status: SessionStatusName
    created_at: float = Field(description="Unix time.")
    ended_at: float | None = Field(description="Unix time; null while the session is active.")


class SessionCreated(BaseModel):
    session_id: str
    candidate_id: str
    created_at: float = Field(description="Unix time.")
    expires_in_s: int = Field(description="The session expires after this many seconds without a request.")
    policy: Policy


class SoundRun(BaseModel):
    """A stretch of the session's sound track: who was heard, from when to when, on the session's clock."""

    start: float
    end: float
    kind: SoundKind = Field(
        description="`speaking`: speech with the candidate's lips moving; `other_voice`: speech while they were "
        "still; `voice`: speech whose speaker could not be told (lips not readable); `silence`. Times without a "
        "run had no audio."
    )


class StreamFacts(BaseModel):
    first_frame_at: float | None = Field(description="The first frame's time on the session's clock.")
    last_frame_at: float | None = Field(description="The last frame's time on the session's clock.")
    gaps: list[tuple[float, float]] = Field(
        description="Pauses over 2 s and over three usual intervals, (from, to) on the session's clock."
    )


class RiskSummary(BaseModel):
    peak: float = Field(description="The highest live risk of the session (0-100).")
    final: float = Field(description="The live risk at the end (0-100).")


class SessionReport(SessionFacts):
    metadata: dict[str, Any] = Field(description="What the caller stored with the session, as given.")
    policy: Policy
    summary: Summary
    events: list[Event]
    started_at: float | None = Field(description="Time of the first frame (the frames' clock).")
    stream: StreamFacts
    risk_timeline: list[tuple[float, float]] = Field(description="(time, live risk score), for the chart.")
    sound_track: list[SoundRun] = Field(
        default_factory=list, description="The sound track: stretches of speech by whom, and silence; empty: no audio."
    )
    evidence: list[Evidence] = Field(description="Evidence snapshots: empty unless switched on.")
    reviews: list[Review] = Field(description="Reviewer decisions; they never change the measured events.")
    risk: RiskSummary
    verdict: Verdict = Field(description="A request for human review at most; never a finding of misconduct.")


class SessionStatus(SessionFacts):
    frames_analyzed: int
    events: int = Field(description="How many events the session has raised.")
    calibrated: bool
    open_events: list[Event]
    risk: Risk
    check: SessionCheck
    summary: Summary


class SessionListed(SessionFacts):
    frames_analyzed: int
    events: int = Field(description="How many events the session has raised.")
    peak_risk: float
    verdict: Verdict
    duration_s: float = Field(description="Seconds from the first frame to the last, on the session's clock.")
    decision: Decision | None = Field(description="A reviewer's latest decision on the whole session; null: none yet.")
    decided_events: int = Field(description="How many of its events a reviewer has decided on.")


class SessionList(BaseModel):
    sessions: list[SessionListed]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last one.")


class EventsPage(BaseModel):
    session_id: str
    total: int
    events: list[Event]
    next_cursor: str | None


class ClientEventAccepted(BaseModel):
    session_id: str
    event: Event | None = Field(description="The event raised (a page event always raises one; `camera` only for a "
                                "virtual or a changed camera).")  # fmt: skip
    events: list[Event] = Field(description="Every event raised (a virtual camera that replaced another: two).")


class CalibrationRestarted(BaseModel):
    session_id: str
    calibration: Literal["restarted"]


class ReferencePhotoKept(BaseModel):
    session_id: str
    reference_photo: Literal["kept"]
    faces: int


class WebhookLog(BaseModel):
    session_id: str
    deliveries: list[Delivery]


class SessionEnded(BaseModel):
    """The `session.ended` webhook's payload."""

    session_id: str
    candidate_id: str
    verdict: Verdict
    reason: str = Field(description="The verdict's reason in one sentence.")
    peak_risk: float
    events: int
    report: str = Field(description="The report's path on this service.")


class HighEventRaised(BaseModel):
    """The `event.high` webhook's payload: the session's first high-severity event."""

    session_id: str
    event: Event
