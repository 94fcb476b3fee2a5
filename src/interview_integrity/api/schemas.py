"""Request bodies, and the API's own answers, named by role. What the service answers about sessions is
typed in service/results.py; those models are re-exported here for the routes."""

from __future__ import annotations

import base64
import struct
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from interview_integrity.analysis.events import ClientEventType
from interview_integrity.analysis.policy import PolicyOverrides, PresetName
from interview_integrity.api.limits import check_metadata, check_policy
from interview_integrity.errors import ErrorCode
from interview_integrity.service.clock import MAX_TIMESTAMP
from interview_integrity.service.once import MAX_FRAME_ID
from interview_integrity.service.results import (
    AudioResult,
    CalibrationRestarted,
    ClientEventAccepted,
    EventsPage,
    FrameResult,
    ReferencePhotoKept,
    SessionCreated,
    SessionList,
    SessionListed,
    SessionReport,
    SessionStatus,
    WebhookLog,
)
from interview_integrity.stores.base import Decision

__all__ = [
    "AudioCreate", "AudioResult", "CalibrationRestarted", "ClientEventAccepted", "ClientEventCreate", "ErrorDetail",
    "ErrorResponse", "EventsPage", "FrameCreate", "FrameResult", "FrameSubmit", "ReferencePhoto", "ReferencePhotoKept",
    "ReportLink", "ReviewCreate", "SessionCreate", "SessionCreated", "SessionList", "SessionListed", "SessionRef",
    "SessionReport", "SessionStatus", "WebhookLog",
]  # fmt: skip

# a 1x1 grey PNG: a real image for examples that must work as given
TINY_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVQIHWNoAAAAggCB8KrjIgAAAABJRU5ErkJggg=="
# a tenth of a second of silence, 8 kHz mono 16-bit PCM: the shortest chunk accepted, for examples
TINY_WAV = base64.b64encode(
    struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + 1600, b"WAVE", b"fmt ", 16, 1, 1, 8000, 16000, 2, 16, b"data", 1600)
    + bytes(1600)
).decode()
# A number of seconds: a JSON number, finite, never a string or a boolean (see clock.py for what it means).
Seconds = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, lt=MAX_TIMESTAMP)]
FrameId = Annotated[str, Field(min_length=1, max_length=MAX_FRAME_ID)]


class ErrorDetail(BaseModel):
    code: ErrorCode = Field(description="Stable, machine-readable code, e.g. `session_not_found`.")
    message: str = Field(description="What was wrong, for a person.")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class SessionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"candidate_id": "candidate_123", "policy": "standard", "metadata": {"role": "backend engineer"}}
            ]
        },
    )

    candidate_id: str = Field(min_length=1, max_length=200, description="Your identifier for the candidate.")
    policy: PresetName | PolicyOverrides | None = Field(
        default=None,
        description="A preset (`lenient`, `standard`, `strict`, or `exam`: silent, so the candidate speaking is an "
        "event) or an object: `preset` plus overrides of `thresholds`, `weights`, `disabled_rules` "
        "(accommodations), `risk_half_life_s`, ...",
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


class FrameCreate(BaseModel):
    """One frame of a session, as JSON: the image and its time."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"frame": f"data:image/png;base64,{TINY_PNG}", "timestamp": 0.0, "frame_id": "f-0001"}]
        },
    )

    frame: str = Field(min_length=1, description="JPEG, PNG or WebP as base64 or a `data:` URL.")
    timestamp: Seconds | None = Field(
        default=None,
        description="The frame's time in seconds on the session's clock (from the session's start, a recording's "
        "time, or any clock that only moves forward, the same for every frame); without one, the server places "
        "the frame at its arrival, in seconds since the session started. A frame at the time of one the session "
        "analysed is that frame sent again: it gets the same answer (`resent`), counted once. Frames earlier than "
        "the session's last one are refused (409).",
    )
    frame_id: FrameId | None = Field(
        default=None,
        description="Your id of this frame, echoed in the answer: a frame sent again with its frame_id gets the same "
        "answer, counted once (for frames without a timestamp, the only way to name them again).",
    )


class AudioCreate(BaseModel):
    """One chunk of a session's sound, as JSON: a WAV and the time of its first sample."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"audio": TINY_WAV, "timestamp": 0.0}]})

    audio: str = Field(
        min_length=1,
        description="A WAV file as base64 (or a `data:audio/wav;base64,` URL): 16-bit PCM, mono or stereo, 8-48 kHz, "
        "0.1-10 s. It is analysed and dropped: no sound is ever stored.",
    )
    timestamp: Seconds | None = Field(
        default=None,
        description="The time of the chunk's first sample on the session's clock (the frames' clock). Chunks are "
        "heard in time order: one that starts where the last ended continues it, one that starts before is refused "
        "(409). Without one, the server places the chunk at its arrival less its length.",
    )


class FrameSubmit(FrameCreate):
    """`FrameCreate` with its session: the JSON form `/analyze-frame` also takes."""

    session_id: str = Field(min_length=1, max_length=100)


class SessionRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_id: str = Field(min_length=1, max_length=100)


class ClientEventCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"type": "tab_hidden", "timestamp": 12.5}]}
    )

    type: ClientEventType = Field(
        description="A page event, or `camera`: the camera in use, its label as `detail` (sent when the session "
        "starts and when the camera changes)."
    )
    detail: str = Field(default="", max_length=200, description="For `camera`: the device's label.")
    timestamp: Seconds | None = Field(
        default=None, description="On the session's clock; default: the session's current time."
    )


class ReviewCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"event_id": None, "decision": "dismissed", "note": "checked the recording", "reviewer": "ana"}
            ]
        },
    )

    event_id: str | None = Field(default=None, description="The event decided on; null for the whole session.")
    reviewer: str = Field(
        default="", max_length=100, description="The reviewer's name or id, recorded with the decision and shown."
    )
    decision: Decision
    note: str = Field(default="", max_length=2000)


class ReportLink(BaseModel):
    url: str = Field(description="Opens the reviewer's page in a browser, no API key needed, until `expires_at`.")
    path: str = Field(description="The same without the host, for a server behind a proxy.")
    console_url: str = Field(
        description="Opens the session in the reviewer's console, where decisions are made: that session only, "
        "no API key needed, until `expires_at`."
    )
    expires_at: int = Field(description="Unix time.")
