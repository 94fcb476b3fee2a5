"""The store protocol and the record it keeps.

Every backend stores a record as JSON under its id with an expiry: active sessions expire after
`idle_ttl_s` without a request, ended ones after `retention_s` (their report with them). `update` is an
atomic read-modify-write: two frames of one session racing on two workers or two replicas lose nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, Field

from interview_integrity.analysis.engine import SessionState
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import Policy
from interview_integrity.errors import ServiceError
from interview_integrity.vision.signals import FaceTrack

T = TypeVar("T")


class SessionNotFoundError(KeyError):
    pass


class StoreUnavailableError(ServiceError):
    """The store does not answer (Redis down, or one session written too often): nothing was written,
    and the caller is told to retry (503 + Retry-After) rather than shown an internal error."""

    status, code = 503, "store_unavailable"

    def __init__(self, message: str) -> None:
        super().__init__(message, retry_after=1)


class Evidence(BaseModel):
    """A small JPEG of the frame that raised a medium or high event, boxes drawn. Only when switched on."""

    event_id: str
    event_type: str
    frame_index: int
    timestamp: float
    jpeg_base64: str

    @classmethod
    def of(cls, event: Event, frame_index: int, timestamp: float, jpeg: bytes) -> Evidence:
        return cls(
            event_id=event.id, event_type=event.type, frame_index=frame_index, timestamp=timestamp,
            jpeg_base64=base64.b64encode(jpeg).decode(),
        )  # fmt: skip


class Review(BaseModel):
    """A reviewer's decision. It is recorded beside the events; the measured events never change."""

    id: str
    event_id: str | None
    decision: Literal["confirmed", "dismissed"]
    note: str = ""
    reviewer: str
    created_at: float


class SessionRecord(BaseModel):
    id: str
    candidate_id: str
    owner: str | None = Field(description="Hash of the API key that created it; None without authentication.")
    created_at: float
    last_seen_at: float
    status: Literal["active", "ended"] = "active"
    ended_at: float | None = None
    policy: Policy
    metadata: dict[str, Any] = Field(default_factory=dict)
    next_frame_index: int = 0
    state: SessionState = Field(default_factory=SessionState)
    face_track: FaceTrack | None = Field(default=None, description="The last frame's faces, for the next to follow.")
    report: dict[str, Any] | None = None
    evidence_enabled: bool = False
    evidence: dict[str, Evidence] = Field(default_factory=dict, description="Event id -> its snapshot.")
    reviews: list[Review] = Field(default_factory=list)


class Expiry:
    def __init__(self, idle_ttl_s: int, retention_s: int) -> None:
        self.idle_ttl_s = idle_ttl_s
        self.retention_s = retention_s

    def ttl(self, record: SessionRecord) -> int:
        return self.retention_s if record.status == "ended" else self.idle_ttl_s


class SessionStore(Protocol):
    async def create(self, record: SessionRecord) -> None: ...

    async def get(self, session_id: str) -> SessionRecord | None: ...

    async def update(self, session_id: str, change: Callable[[SessionRecord], T]) -> T:
        """Apply `change` to the stored record atomically and return its result.

        Raises SessionNotFoundError when the session does not exist (or expired)."""
        ...

    async def delete(self, session_id: str) -> bool: ...

    async def count_active(self) -> int: ...

    async def sweep(self) -> int:
        """Drop expired sessions; returns how many (backends with native expiry return 0)."""
        ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...
