"""The store protocol and the record it keeps.

Every backend stores a record as JSON under its id with an expiry: active sessions expire after
`idle_ttl_s` without a request, ended ones after `retention_s` (their report with them). `update` is an
atomic read-modify-write: two writers of one session on two workers or two replicas lose nothing.

Evidence snapshots are kept beside the record, each written once under the session's own evidence key
with the record's expiry, never inside the record: the record is rewritten on every frame, and a photo
inside it would be written again with each frame (and kept in a Redis append-only file copy after copy).

`turn` gives the frames of one session their turns in time order across processes (sequencer.py does it
within one).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, Field

from interview_integrity.analysis.engine import SessionState
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import Policy
from interview_integrity.audio.signals import SoundStream
from interview_integrity.errors import ServiceError
from interview_integrity.vision.schedule import StreamSchedule
from interview_integrity.vision.signals import FaceTrack

T = TypeVar("T")
SessionStatusName = Literal["active", "ended"]
Decision = Literal["confirmed", "dismissed"]


class SessionNotFoundError(KeyError):
    pass


class StoreUnavailableError(ServiceError):
    """The store does not answer (Redis down, or one session written too often): nothing was written,
    and the caller is told to retry (503 + Retry-After) rather than shown an internal error."""

    status, code = 503, "store_unavailable"

    def __init__(self, message: str = "the session store does not answer; retry shortly") -> None:
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


class Delivery(BaseModel):
    """One webhook delivery and how its attempts went."""

    id: str
    event: str
    url: str
    attempts: int = 0
    status: int | None = Field(default=None, description="The last attempt's HTTP status; None: no answer.")
    delivered: bool = False
    last_attempt_at: float | None = None
    error: str | None = None


class Review(BaseModel):
    """A reviewer's decision. It is recorded beside the events; the measured events never change."""

    id: str
    event_id: str | None
    decision: Decision
    note: str = ""
    reviewer: str
    created_at: float


class SessionRecord(BaseModel):
    id: str
    candidate_id: str
    owner: str | None = Field(description="Hash of the API key that created it; None without authentication.")
    created_at: float
    last_seen_at: float
    status: SessionStatusName = "active"
    ended_at: float | None = None
    policy: Policy
    metadata: dict[str, Any] = Field(default_factory=dict)
    next_frame_index: int = 0
    state: SessionState = Field(default_factory=SessionState)
    face_track: FaceTrack | None = Field(default=None, description="The last frame's faces, for the next to follow.")
    stream_schedule: StreamSchedule | None = Field(
        default=None, description="When the next frame's costly parts are due."
    )
    sound: SoundStream = Field(
        default_factory=SoundStream, description="Sound and lips waiting for each other: numbers, never audio."
    )
    report: dict[str, Any] | None = None
    evidence_enabled: bool = False
    evidence_for: list[str] = Field(default_factory=list, description="Events with a snapshot under the evidence key.")
    reviews: list[Review] = Field(default_factory=list)
    notified_high: bool = Field(default=False, description="The first high-severity event's webhook was sent.")
    webhooks: list[Delivery] = Field(default_factory=list, description="Webhook deliveries for this session.")


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

    async def delete(self, session_id: str) -> bool:
        """Delete the record and its evidence."""
        ...

    async def add_evidence(self, session_id: str, evidence: Evidence, limit: int) -> bool:
        """Keep the snapshot unless its event has one or the session holds `limit`; True when kept."""
        ...

    async def evidence(self, session_id: str) -> list[Evidence]:
        """The session's snapshots, in time order."""
        ...

    async def page(self, owner: str | None, before: tuple[float, str] | None, count: int) -> list[SessionRecord]:
        """Up to `count` of the owner's sessions, newest first, created before `before` (created_at, id)."""
        ...

    async def remember(self, key: str, value: str, ttl_s: int) -> str | None:
        """Keep `value` under `key` for `ttl_s` unless the key holds one already; returns that one, else None."""
        ...

    def turn(self, session_id: str, timestamp: float, gather_s: float = 0.0) -> AbstractAsyncContextManager[None]:
        """Wait until no other process analyses a frame of this session and no earlier frame of it waits;
        a session's first frame waits `gather_s` first, for the frames sent with it to other processes."""
        ...

    async def count_active(self) -> int: ...

    async def sweep(self) -> int:
        """Drop expired sessions; returns how many (backends with native expiry return 0)."""
        ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...
