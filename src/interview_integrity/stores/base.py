"""The store protocol and the record it keeps.

Every backend stores a record as JSON under its id with an expiry: active sessions expire after
`idle_ttl_s` without a request, ended ones after `retention_s` (their report with them). `update` is an
atomic read-modify-write: two writers of one session on two workers or two replicas lose nothing.

Evidence snapshots are kept beside the record, each written once under the session's own evidence key
with the record's expiry, never inside the record: the record is rewritten on every frame, and a photo
inside it would be written again with each frame (and kept in a Redis append-only file copy after copy).

`turn` gives the frames of one session their turns in time order (lines.py: in a process for the memory
store, across processes in Redis, with a lease; redis_turns.py).

A frame is counted once: the record keeps the keys of its latest frames (`recent_frames`: index, time and
the client's `frame_id`), and the store keeps each one's answer beside the record under its index, written in
the same atomic update that applies the frame and dropped when the frame leaves `recent_frames` or the session
ends. A frame sent again is answered from there (service/once.py).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, NamedTuple, Protocol, TypeVar

from pydantic import BaseModel, Field

from interview_integrity.analysis.engine import SessionAnalyzer, SessionState
from interview_integrity.analysis.policy import Policy
from interview_integrity.audio.signals import SoundStream
from interview_integrity.errors import ServiceError
from interview_integrity.stores.lines import Company
from interview_integrity.stores.rows import Cursor, Decision, RowQuery, SessionRow, SessionStatusName
from interview_integrity.vision.schedule import StreamSchedule
from interview_integrity.vision.signals import FaceTrack

T = TypeVar("T")
__all__ = [
    "Cursor", "Decision", "Delivery", "Evidence", "EvidenceBox", "Expiry", "Review", "RowQuery", "SessionNotFoundError",
    "SessionRecord", "SessionRow", "SessionStatusName", "SessionStore", "StoreUnavailableError",
]  # fmt: skip


class SessionNotFoundError(KeyError):
    pass


class StoreUnavailableError(ServiceError):
    """The store does not answer (Redis down, or one session written too often): nothing was written,
    and the caller is told to retry (503 + Retry-After) rather than shown an internal error."""

    status, code = 503, "store_unavailable"

    def __init__(self, message: str = "the session store does not answer; retry shortly") -> None:
        super().__init__(message, retry_after=1)


class EvidenceBox(BaseModel):
    """Something the frame showed, as a share of the picture's width and height (0-1, from its top left)."""

    label: str = Field(description="`face`, or the object's label (`cell phone`, `book`, `person`, ...).")
    x: float
    y: float
    width: float
    height: float
    confidence: float | None = None
    event: bool = Field(default=False, description="One of the things the event is about (drawn strongest).")


class Answer(NamedTuple):
    """An analysed frame's answer (JSON), kept beside its session so the frame sent again is answered again."""

    frame_index: int
    body: str


class RecentFrame(BaseModel):
    """One of a session's latest frames: what identifies it, and the index its kept answer is under."""

    frame_index: int
    timestamp: float
    frame_id: str | None = None


class Evidence(BaseModel):
    """The frame that raised a medium or high event: a JPEG of it (at most 640 px wide), what was found in it as
    boxes beside the picture, and the event's region cropped at the frame's own resolution. Only when switched
    on. Snapshots made before boxes were kept have none, and their boxes drawn into the picture."""

    event_id: str
    event_type: str
    frame_index: int
    timestamp: float
    jpeg_base64: str
    width: int | None = Field(default=None, description="The picture's pixels.")
    height: int | None = None
    boxes: list[EvidenceBox] = Field(default_factory=list)
    crop_base64: str | None = Field(default=None, description="The event's region at the frame's resolution.")
    crop: EvidenceBox | None = Field(default=None, description="Where the crop lies in the picture.")


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
    recent_frames: list[RecentFrame] = Field(
        default_factory=list, description="The latest frames, oldest first; their answers are kept beside the record."
    )
    evidence_enabled: bool = False
    evidence_for: list[str] = Field(default_factory=list, description="Events with a snapshot under the evidence key.")
    reviews: list[Review] = Field(default_factory=list)
    notified_high: bool = Field(default=False, description="The first high-severity event's webhook was sent.")
    webhooks: list[Delivery] = Field(default_factory=list, description="Webhook deliveries for this session.")

    def row(self, expires_at: float) -> SessionRow:
        """What a list shows of the session (rows.py)."""
        state = self.state
        final = (self.report or {}).get("verdict") if self.status == "ended" else None
        decisions = {r.event_id: r.decision for r in self.reviews}  # the latest decision on each counts
        first, last = state.first_timestamp, state.last_timestamp
        return SessionRow(
            id=self.id,
            candidate_id=self.candidate_id,
            created_at=self.created_at,
            ended_at=self.ended_at,
            status=self.status,
            verdict=final or SessionAnalyzer(self.policy).risk(state).verdict,  # coverage included
            peak_risk=round(state.risk.peak, 1),
            events=len(state.events),
            frames=state.frames,
            duration_s=round(last - first, 2) if first is not None and last is not None else 0.0,
            decision=decisions.get(None),
            decided_events=sum(1 for event_id in decisions if event_id is not None),
            expires_at=round(expires_at, 3),
        )


class Expiry:
    def __init__(self, idle_ttl_s: int, retention_s: int) -> None:
        self.idle_ttl_s = idle_ttl_s
        self.retention_s = retention_s

    def ttl(self, record: SessionRecord) -> int:
        return self.retention_s if record.status == "ended" else self.idle_ttl_s


class SessionStore(Protocol):
    async def create(self, record: SessionRecord) -> None: ...

    async def get(self, session_id: str) -> SessionRecord | None: ...

    async def update(
        self, session_id: str, change: Callable[[SessionRecord], T], keep: Callable[[T], Answer | None] | None = None
    ) -> T:
        """Apply `change` to the stored record atomically and return its result. `keep` names the answer to keep
        with it (a frame's); answers of frames no longer in the record's `recent_frames` are dropped with it.

        Raises SessionNotFoundError when the session does not exist (or expired)."""
        ...

    async def answer(self, session_id: str, frame_index: int) -> str | None:
        """The kept answer of one of the session's recent frames."""
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

    async def rows(
        self, owner: str | None, query: RowQuery, before: Cursor | None, count: int
    ) -> tuple[list[SessionRow], Cursor | None]:
        """Up to `count` rows of the owner's sessions that `query` matches, newest first, created before `before`;
        and where to go on from (None: no session is left to look at)."""
        ...

    async def remember(self, key: str, value: str, ttl_s: int) -> str | None:
        """Keep `value` under `key` for `ttl_s` unless the key holds one already; returns that one, else None."""
        ...

    def turn(
        self, session_id: str, timestamp: float, reorder: bool = True, company: Company | None = None
    ) -> AbstractAsyncContextManager[None]:
        """Wait until no frame of this session is analysed (in any process) and this frame is the earliest
        waiting, and the window lets it go (lines.py; `reorder` False: no earlier frame can still arrive;
        `company` says whether other frames of the session are on their way into the line in this process)."""
        ...

    async def count_active(self) -> int: ...

    async def sweep(self) -> int:
        """Drop expired sessions; returns how many (backends with native expiry return 0)."""
        ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...
