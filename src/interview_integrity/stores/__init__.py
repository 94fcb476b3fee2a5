"""Session state behind a small store protocol: in memory or in Redis, chosen by SESSION_STORE."""

from interview_integrity.stores.base import SessionNotFoundError, SessionRecord, SessionStore, StoreUnavailableError
from interview_integrity.stores.factory import build_store

__all__ = ["SessionNotFoundError", "SessionRecord", "SessionStore", "StoreUnavailableError", "build_store"]
