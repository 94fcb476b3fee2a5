"""The WebRTC peer connections one process holds: one per session, at most a limit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol, TypeVar

from interview_integrity.errors import Busy, Conflict


class Peer(Protocol):
    async def close(self) -> None: ...


P = TypeVar("P", bound=Peer)


class Peers:
    """The peer connections this process holds: one per session, at most `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._by_session: dict[str, Peer] = {}

    def claim(self, session_id: str, make: Callable[[], P]) -> P:
        if session_id in self._by_session:
            raise Conflict(f"session {session_id!r} already has a WebRTC track; close it first", code="webrtc_active")
        if len(self._by_session) >= self.limit:
            raise Busy("this server receives as many WebRTC tracks as it may; retry shortly", retry_after=5)
        peer = make()
        self._by_session[session_id] = peer
        return peer

    def release(self, session_id: str, peer: Peer) -> None:
        if self._by_session.get(session_id) is peer:
            del self._by_session[session_id]

    def __len__(self) -> int:
        return len(self._by_session)

    async def close_all(self) -> None:
        await asyncio.gather(*(peer.close() for peer in list(self._by_session.values())), return_exceptions=True)
