"""Finding sessions: the caller's sessions page by page, newest first, and a session's events page by page.

A cursor is opaque to callers: the (created_at, id) of the last session of a page, base64; the next page
starts after it, so sessions created meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import binascii
import json

from interview_integrity.errors import InvalidInput
from interview_integrity.service.results import EventsPage, SessionList, SessionListed
from interview_integrity.service.views import listing_row
from interview_integrity.stores.base import SessionRecord, SessionStore


async def list_sessions(
    store: SessionStore,
    owner: str | None,
    *,
    candidate_id: str | None = None,
    status: str | None = None,
    verdict: str | None = None,
    created_from: float | None = None,
    created_to: float | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> SessionList:
    """The caller's sessions, newest first, filtered; `next_cursor` continues the list."""
    before = _decode_cursor(cursor)
    if created_to is not None and (before is None or created_to < before[0]):
        before = (created_to, "~")  # "~" sorts after every id: sessions at exactly created_to are kept
    found: list[SessionListed] = []
    while len(found) < limit:
        page = await store.page(owner, before, limit)
        if not page:
            before = None
            break
        for record in page:
            before = (record.created_at, record.id)
            if created_from is not None and record.created_at < created_from:
                before = None
                break
            row = listing_row(record)
            wanted = (candidate_id is None or record.candidate_id == candidate_id) and (
                status is None or record.status == status
            )
            if wanted and (verdict is None or row.verdict == verdict):
                found.append(row)
                if len(found) == limit:
                    break
        if before is None or len(page) < limit:
            break
    more = before is not None and len(found) == limit
    return SessionList(sessions=found, next_cursor=_encode_cursor(before) if more else None)


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


def _encode_cursor(before: tuple[float, str] | None) -> str | None:
    if before is None:
        return None
    return base64.urlsafe_b64encode(json.dumps([before[0], before[1]]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> tuple[float, str] | None:
    if not cursor:
        return None
    try:
        created, session_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return float(created), str(session_id)
    except (ValueError, TypeError, binascii.Error):
        raise InvalidInput("the cursor is not one this service gave out", code="invalid_cursor") from None
