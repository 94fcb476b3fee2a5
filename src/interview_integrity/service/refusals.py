"""Refused frames leave a trace: each is counted in its session (how many, when, why), so time whose frames
were refused shows as unwatched (analysis/coverage.py) instead of vanishing from the report.

A frame refused before its session is known (no such session, a session that has ended, a store that does
not answer) is not counted: there is nothing to count it in. Noting a refusal never changes the answer the
caller gets: the refusal's own error is raised whatever happens here.
"""

from __future__ import annotations

import contextlib
import logging
import time

from interview_integrity.analysis.coverage import Refusal, refused
from interview_integrity.errors import ErrorCode, ServiceError
from interview_integrity.service.access import SessionAccess
from interview_integrity.service.clock import MAX_TIMESTAMP
from interview_integrity.stores.base import SessionNotFoundError, SessionRecord, StoreUnavailableError

log = logging.getLogger("interview_integrity.refusals")

REFUSAL_OF: dict[ErrorCode, Refusal] = {
    "frame_out_of_order": "out_of_order",
    "timestamp_out_of_range": "clock_jump",
    "invalid_timestamp": "bad_timestamp",
    "invalid_input": "bad_image",
    "invalid_image": "bad_image",
    "empty_image": "bad_image",
    "not_an_image": "bad_image",
    "truncated_image": "bad_image",
    "image_too_large": "bad_image",
    "payload_too_large": "bad_image",
    "busy": "busy",
}


def _claimed(timestamp: object) -> float | None:
    """The frame's own timestamp when it is a usable number, else None."""
    if isinstance(timestamp, bool) or not isinstance(timestamp, (int, float)):
        return None
    return float(timestamp) if 0 <= timestamp < MAX_TIMESTAMP else None


async def note_refusal(
    access: SessionAccess, session_id: str, error: ServiceError, timestamp: object, received: float
) -> None:
    """Count a refused frame in its session, when its refusal is one a session counts."""
    reason = REFUSAL_OF.get(error.code)
    if reason is None:
        return

    def count(record: SessionRecord) -> None:
        if record.status == "active":
            refused(record.state, reason, max(0.0, received - record.created_at), _claimed(timestamp))
            record.last_seen_at = max(record.last_seen_at, time.time())

    with contextlib.suppress(SessionNotFoundError, StoreUnavailableError):
        try:
            await access.store.update(session_id, count)
        except ServiceError as other:  # anything the store says: the caller still gets the first error
            log.warning("a refused frame of %s could not be counted: %s", session_id, other.code)
