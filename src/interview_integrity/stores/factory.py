"""The one place that maps SESSION_STORE to a backend."""

from __future__ import annotations

import redis.asyncio as aioredis

from interview_integrity.config import Settings
from interview_integrity.stores.base import Expiry, SessionStore
from interview_integrity.stores.connection import connect_redis
from interview_integrity.stores.lines import Window
from interview_integrity.stores.memory import MemoryStore
from interview_integrity.stores.redis import RedisStore


async def connect(settings: Settings) -> aioredis.Redis | None:
    """The shared Redis client when SESSION_STORE=redis (a Redis that does not answer fails here), else None."""
    return await connect_redis(settings.redis_url) if settings.session_store == "redis" else None


def build_store(settings: Settings, redis: aioredis.Redis | None) -> SessionStore:
    """The Redis store when there is a client; else the memory store, which loses every session when the process
    stops (SESSION_STORE's description says so, and docs/DEPLOYMENT.md)."""
    expiry = Expiry(settings.session_idle_ttl_s, settings.report_retention_s)
    frames = settings.frames
    window = Window(frames.window_frames, frames.window_s, frames.window_alone_s)
    if redis is not None:
        return RedisStore(redis, expiry, window=window, lease_s=frames.turn_lease_s)
    return MemoryStore(expiry, window=window)
