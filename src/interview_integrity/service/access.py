"""A caller's way to its sessions in the store: another tenant's session is reported exactly like a missing
one, and a session that vanished mid-update is a 404, never a KeyError."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from interview_integrity.errors import Conflict, NotFound
from interview_integrity.stores.base import Answer, SessionNotFoundError, SessionRecord, SessionStore

T = TypeVar("T")


def missing(session_id: str) -> NotFound:
    return NotFound(f"no session {session_id!r} (it may have expired)", code="session_not_found")


class SessionAccess:
    def __init__(self, store: SessionStore) -> None:
        self.store = store

    async def get(self, session_id: str, owner: str | None, *, any_owner: bool = False) -> SessionRecord:
        """The session, when `owner` made it (`any_owner`: a signed report link stands for its owner)."""
        record = await self.store.get(session_id)
        if record is None or (record.owner != owner and not any_owner):
            raise missing(session_id)
        return record

    async def active(self, session_id: str, owner: str | None) -> SessionRecord:
        """The session, still taking frames (else 409 `session_ended`)."""
        record = await self.get(session_id, owner)
        if record.status != "active":
            raise Conflict(f"session {session_id!r} has ended; start a new session", code="session_ended")
        return record

    async def update(
        self, session_id: str, change: Callable[[SessionRecord], T], keep: Callable[[T], Answer | None] | None = None
    ) -> T:
        try:
            return await self.store.update(session_id, change, keep)
        except SessionNotFoundError:
            raise missing(session_id) from None
