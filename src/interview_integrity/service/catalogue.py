"""Finding sessions: the caller's sessions page by page, newest first, and a session's events page by page.

A cursor is opaque to callers: the (created_at, id) of the last session of a page, base64; the next page
starts after it, so sessions created meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import binascii
import json

from interview_integrity.analysis.scoring import Verdict
from interview_integrity.errors import InvalidInput
from interview_integrity.service.results import EventsPage, SessionList
from interview_integrity.service.views import listed
from interview_integrity.stores.base import Cursor, RowQuery, SessionRecord, SessionStatusName, SessionStore


async def list_sessions(
    store: SessionStore,
    owner: str | None,
    *,
    candidate_id: str | None = None,
    status: SessionStatusName | None = None,
    verdict: Verdict | None = None,
    reviewed: bool | None = None,
    created_from: float | None = None,
    created_to: float | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> SessionList:
    """The caller's sessions, newest first, filtered; `next_cursor` continues the list (null: nothing follows).
    One more row than asked for is looked up, so a page that ends the list says so."""
    query = RowQuery(
        candidate_id=candidate_id, status=status, verdict=verdict, reviewed=reviewed, created_from=created_from,
        created_to=created_to,
    )  # fmt: skip
    rows, _ = await store.rows(owner, query, _decode_cursor(cursor), limit + 1)
    page = rows[:limit]
    more = len(rows) > limit
    return SessionList(
        sessions=[listed(row) for row in page], next_cursor=encode_cursor(page[-1].key) if more else None
    )


def events_page(record: SessionRecord, cursor: str | None, limit: int) -> EventsPage:
    """A session's events in pages of `limit`; `next_cursor` continues."""
    start = int(cursor) if cursor and cursor.isdigit() else 0
    events = record.state.events[start : start + limit]
    following = start + limit if start + limit < len(record.state.events) else None
    return EventsPage(
        session_id=record.id,
        total=len(record.state.events),
        events=events,
        next_cursor=None if following is None else str(following),
    )


def encode_cursor(before: Cursor) -> str:
    return base64.urlsafe_b64encode(json.dumps([before[0], before[1]]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> Cursor | None:
    if not cursor:
        return None
    try:
        created, session_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return float(created), str(session_id)
    except (ValueError, TypeError, binascii.Error):
        raise InvalidInput("the cursor is not one this service gave out", code="invalid_cursor") from None
