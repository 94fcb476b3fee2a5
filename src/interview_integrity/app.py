"""The ASGI application, built by create_app(settings): no import-time globals.

Start-up builds the session store first (a configured Redis that does not answer fails start-up loudly),
then loads and warms the models in the background: /health answers at once, /ready turns 200 when the
models are warm and the store answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import redis.asyncio as aioredis
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from interview_integrity import __version__, logs
from interview_integrity.api import errors, openapi, routes
from interview_integrity.api.middleware import RequestContext
from interview_integrity.api.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter, Unlimited
from interview_integrity.api.routes import console, console_door, demo, docs
from interview_integrity.api.state import Services
from interview_integrity.api.streams import webrtc, websocket
from interview_integrity.api.streams.peers import Peers
from interview_integrity.config import Settings
from interview_integrity.metrics import Metrics
from interview_integrity.service.pipeline import Pipeline
from interview_integrity.service.webhooks import Webhooks
from interview_integrity.stores.base import SessionStore
from interview_integrity.stores.factory import build_store, connect
from interview_integrity.vision.analyzer import FrameAnalyzer

log = logging.getLogger("interview_integrity.app")

DESCRIPTION = """
Watches a remote interview's webcam frames and tells a human reviewer, with evidence and explanations,
when something needs a second look. Verdicts are `clear`, `incomplete` (too little of the session could be
watched to call it clear), `review` or `high_risk`: requests for human review, never findings of misconduct.

**REST**: `POST /start-session` → `POST /analyze-frame` (JSON base64 / data URL, or multipart file) per
frame → `POST /end-session` for the report. Errors are `{"error": {"code", "message"}}`.

**WebSocket** `/ws/stream` (`?api_key=` when keys are on): send `{"type": "start", "candidate_id": ...}` or
`{"type": "resume", "session_id": ...}`, then frames as binary JPEG messages or
`{"type": "frame", "frame": "<base64>", "timestamp"?: s}`; `{"type": "client_event", "event": "tab_hidden"}`;
`{"type": "calibrate"}`; `{"type": "end"}`. The server answers `session`, one `result` per analysed frame
(the same object as `/analyze-frame`), `skipped` when a newer frame replaced a waiting one, `error`
(`fatal` says whether the socket closes) and `report` after `end`.

Directions (`left`/`right`) are image directions, as a viewer sees the frame.
"""


def _limiter(settings: Settings, redis: aioredis.Redis | None) -> RateLimiter:
    """Counted where the sessions are: in the shared Redis when there is one, so every replica counts alike."""
    if settings.rate_limit_per_minute <= 0:
        return Unlimited()
    if redis is not None:
        return RedisRateLimiter(redis, settings.rate_limit_per_minute)
    return MemoryRateLimiter(settings.rate_limit_per_minute)


async def _load_models(services: Services, store: SessionStore, webhooks: Webhooks) -> None:
    settings = services.settings
    analyzer = await asyncio.to_thread(FrameAnalyzer, settings.vision, settings.worker_count())
    pipeline = Pipeline(settings, analyzer, store, services.metrics, webhooks)
    await pipeline.warm_up()
    services.pipeline = pipeline
    log.info("models warm", extra={"fields": {"workers": settings.worker_count(), "store": settings.session_store}})


async def _sweep(store: SessionStore, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await store.sweep()
        except Exception:
            log.exception("session sweep failed")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    logs.configure(settings.log_level)
    services = Services(settings=settings, metrics=Metrics())
    if settings.webrtc.enabled:
        services.peers = Peers(settings.webrtc.max_peers)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logs.guard_server_logs()  # uvicorn has configured its loggers by now
        redis = await connect(settings)  # raises when a configured Redis is unreachable
        store = build_store(settings, redis)
        services.limiter = _limiter(settings, redis)
        webhooks = Webhooks(
            settings.webhook_url, settings.webhook_secret, timeout_s=settings.webhook_timeout_s,
            attempts=settings.webhook_attempts,
        )  # fmt: skip
        loading = asyncio.create_task(_load_models(services, store, webhooks))
        sweeper = asyncio.create_task(_sweep(store, settings.cleanup_interval_s))
        try:
            yield
        finally:
            if services.peers is not None:
                await services.peers.close_all()
            for task in (loading, sweeper):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if services.pipeline is not None:
                await asyncio.to_thread(services.pipeline.close)
                await asyncio.to_thread(services.pipeline.analyzer.close)
            await webhooks.drain()
            await store.close()

    app = FastAPI(
        title="Interview Integrity Service",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from the install by api/docs.py, never from a CDN
        redoc_url=None,
    )
    app.state.services = services
    openapi.install(app, settings, DESCRIPTION)
    errors.install(app)
    app.include_router(routes.router)
    app.include_router(websocket.router)
    app.include_router(webrtc.router)
    app.include_router(demo.router)
    app.include_router(docs.router)
    app.include_router(console_door.router)
    app.include_router(console.router)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Content-Type", "X-API-Key", "X-Request-ID"],
            expose_headers=["Retry-After", "X-Request-ID"],
        )
    app.add_middleware(
        RequestContext, max_body_bytes=settings.max_request_bytes, body_timeout_s=settings.request_body_timeout_s
    )
    return app
