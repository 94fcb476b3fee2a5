"""The one place that maps SESSION_STORE to a backend."""

from __future__ import annotations

from interview_integrity.config import Settings
from interview_integrity.stores.base import Expiry, SessionStore
from interview_integrity.stores.memory import MemoryStore
from interview_integrity.stores.redis import RedisStore


async def build_store(settings: Settings) -> SessionStore:
    """A configured Redis that does not answer fails here, loudly: never a silent fallback to memory."""
    expiry = Expiry(settings.session_idle_ttl_s, settings.report_retention_s)
    if settings.session_store == "redis":
        return await RedisStore.connect(settings.redis_url, expiry)
    return MemoryStore(expiry)
