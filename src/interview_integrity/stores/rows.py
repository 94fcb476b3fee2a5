"""The small row a session is listed by, kept beside its record and rewritten with it.

A list of sessions reads rows, never records: a record holds the session's whole state (events, each
rule's memory, the risk timeline), tens of kilobytes, and a filter that matches few of 10,000 sessions
would have to read them all. A row is a few hundred bytes and says what a list shows and filters on.
Every store writes a session's row (`SessionRecord.row`) in the same atomic step as its record, so the two
never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from interview_integrity.analysis.scoring import Verdict

SessionStatusName = Literal["active", "ended"]
Decision = Literal["confirmed", "dismissed"]
Cursor = tuple[float, str]  # (created_at, id) of a session: lists run newest first, strictly after a cursor


class SessionRow(BaseModel):
    id: str
    candidate_id: str
    created_at: float = Field(description="Unix time.")
    ended_at: float | None = None
    status: SessionStatusName
    verdict: Verdict
    peak_risk: float
    events: int
    frames: int
    duration_s: float = Field(description="Seconds from the first frame to the last, on the session's clock.")
    decision: Decision | None = Field(description="The reviewer's latest decision on the whole session.")
    decided_events: int = Field(description="Events with a reviewer's decision.")
    expires_at: float = Field(description="Unix time: the row goes when its record does.")

    @property
    def key(self) -> Cursor:
        return (self.created_at, self.id)


@dataclass(frozen=True)
class RowQuery:
    """What a list asks for; `created_from` and `created_to` (Unix time) are inclusive."""

    candidate_id: str | None = None
    status: SessionStatusName | None = None
    verdict: Verdict | None = None
    reviewed: bool | None = None  # True: a decision on the whole session was recorded
    created_from: float | None = None
    created_to: float | None = None

    def matches(self, row: SessionRow) -> bool:
        """The filters a store applies to rows (the date range is its index's, and checked here too)."""
        return (
            (self.candidate_id is None or row.candidate_id == self.candidate_id)
            and (self.status is None or row.status == self.status)
            and (self.verdict is None or row.verdict == self.verdict)
            and (self.reviewed is None or (row.decision is not None) == self.reviewed)
            and (self.created_from is None or row.created_at >= self.created_from)
            and (self.created_to is None or row.created_at <= self.created_to)
        )
