"""Request and response bodies, named by role."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from interview_integrity.analysis.check import SessionCheck
from interview_integrity.analysis.events import ClientEventType, Event
from interview_integrity.analysis.policy import PolicyOverrides, PresetName
from interview_integrity.analysis.scoring import Risk
from interview_integrity.api.limits import check_metadata, check_policy
from interview_integrity.service.clock import MAX_TIMESTAMP
from interview_integrity.stores.base import Delivery, Evidence, Review
from interview_integrity.vision.signals import DetectedObject, Faces, Gaze, HeadPose, Quality

# A number of seconds: a JSON number, finite, never a string or a boolean (see clock.py for what it means).
Seconds = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, lt=MAX_TIMESTAMP)]


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable code, e.g. `session_not_found`.")
    message: str = Field(description="What was wrong, for a person.")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidate_id: str = Field(min_length=1, max_length=200, description="Your identifier for the candidate.")
    policy: PresetName | PolicyOverrides | None = Field(
        default=None,
        description="A preset (`lenient`, `standard`, `strict`) or an object: `preset` plus overrides of "
        "`thresholds`, `weights`, `disabled_rules` (accommodations), `risk_half_life_s`, ...",
    )
    metadata: dict[str, Any] = Field(
        default_factory=dict,
        description="Stored with the session, returned in reports: a JSON object of at most 16 KiB, nesting at most "
        "8 levels.",
    )
    evidence: bool | None = Field(
        default=None,
        description="Keep a small JPEG of the frame behind each medium/high event (default: the server's "
        "EVIDENCE_SNAPSHOTS setting, off unless switched on).",
        strict=True,
    )
    reference_photo: str | None = Field(
        default=None,
        description="Optional: a photo of the candidate (base64 or a `data:` URL, one face). Only its face "
        "embedding is kept, with the session; each sampled frame is compared with it (identity_changed).",
    )

    @field_validator("metadata", mode="before")
    @classmethod
    def _bounded_metadata(cls, value: Any) -> Any:
        return check_metadata(value) if isinstance(value, dict) else value

    @field_validator("policy", mode="before")
    @classmethod
    def _bounded_policy(cls, value: Any) -> Any:
        return check_policy(value)


class ReferencePhoto(BaseModel):
    model_config = ConfigDict(extra="forbid")

    photo: str = Field(min_length=1, description="JPEG, PNG or WebP as base64 or a `data:` URL, one face in it.")


class ReferencePhotoKept(BaseModel):
    session_id: str
    reference_photo: Literal["kept"]
    faces: int


class SessionCreated(BaseModel):
    session_id: str
    candidate_id: str
    created_at: float = Field(description="Unix time.")
    expires_in_s: int = Field(description="The session expires after this many seconds without a request.")
    policy: dict[str, Any]


class FrameSubmit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_id: str = Field(min_length=1, max_length=100)
    frame: str = Field(min_length=1, description="JPEG, PNG or WebP as base64 or a `data:` URL.")
    timestamp: Seconds | None = Field(
        default=None,
        description="The frame's time in seconds on the session's clock (from the session's start, a recording's "
        "time, or any clock that only moves forward, the same for every frame); without one, the server places "
        "the frame at its arrival, in seconds since the session started. Frames earlier than the session's last "
        "one are refused (409).",
    )


class FrameResult(BaseModel):
    session_id: str
    frame_index: int
    timestamp: float
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


class SessionRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_id: str = Field(min_length=1, max_length=100)


class ClientEventCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: ClientEventType = Field(
        description="A page event, or `camera`: the camera in use, its label as `detail` (sent when the session "
        "starts and when the camera changes)."
    )
    detail: str = Field(default="", max_length=200, description="For `camera`: the device's label.")
    timestamp: Seconds | None = Field(
        default=None, description="On the session's clock; default: the session's current time."
    )


class ClientEventAccepted(BaseModel):
    session_id: str
    event: Event | None = Field(description="The event raised (a page event always raises one; `camera` only for a "
                                "virtual or a changed camera).")  # fmt: skip
    events: list[Event] = Field(description="Every event raised (a virtual camera that replaced another: two).")


class CalibrationRestarted(BaseModel):
    session_id: str
    calibration: Literal["restarted"]


class ReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: str | None = Field(default=None, description="The event decided on; null for the whole session.")
    reviewer: str = Field(
        default="", max_length=100, description="The reviewer's name or id, recorded with the decision and shown."
    )
    decision: Literal["confirmed", "dismissed"]
    note: str = Field(default="", max_length=2000)


class SessionReport(BaseModel):
    session_id: str
    candidate_id: str
    status: Literal["active", "ended"]
    created_at: float
    ended_at: float | None
    metadata: dict[str, Any]
    policy: dict[str, Any]
    summary: dict[str, Any] = Field(
        description="duration_s, frames_analyzed, share_with_face, share_looking_at_screen, events_by_type, "
        "peak_risk, final_risk, verdict, explanation."
    )
    events: list[Event]
    started_at: float | None = Field(description="Time of the first frame (the frames' clock).")
    stream: dict[str, Any] = Field(
        default_factory=dict,
        description="first_frame_at, last_frame_at, and the gaps (pauses over 2 s and over three usual intervals) "
        "on the session's clock.",
    )
    risk_timeline: list[tuple[float, float]] = Field(description="(time, live risk score), for the chart.")
    evidence: list[Evidence] = Field(description="Evidence snapshots: empty unless switched on.")
    reviews: list[Review] = Field(description="Reviewer decisions; they never change the measured events.")
    risk: dict[str, Any]
    verdict: Literal["clear", "review", "high_risk"] = Field(
        description="A request for human review at most; never a finding of misconduct."
    )


class _SessionFacts(BaseModel):
    """What a status and a listing row both say of a session."""

    session_id: str
    candidate_id: str
    status: Literal["active", "ended"]
    created_at: float
    ended_at: float | None
    frames_analyzed: int
    events: int


class SessionStatus(_SessionFacts):
    calibrated: bool
    open_events: list[Event]
    risk: Risk
    check: SessionCheck
    summary: dict[str, Any]


class SessionListed(_SessionFacts):
    peak_risk: float
    verdict: Literal["clear", "review", "high_risk"]


class SessionList(BaseModel):
    sessions: list[SessionListed]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last one.")


class EventsPage(BaseModel):
    session_id: str
    total: int
    events: list[Event]
    next_cursor: str | None


class ReportLink(BaseModel):
    url: str = Field(description="Opens the reviewer's page in a browser, no API key needed, until `expires_at`.")
    path: str = Field(description="The same without the host, for a server behind a proxy.")
    expires_at: int = Field(description="Unix time.")


class WebhookLog(BaseModel):
    session_id: str
    deliveries: list[Delivery]
