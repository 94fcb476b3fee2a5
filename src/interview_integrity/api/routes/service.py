"""The service itself: its name and links, liveness, readiness, metrics."""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from interview_integrity import __version__
from interview_integrity.api.routes.common import ERRORS
from interview_integrity.api.state import ServicesDep
from interview_integrity.stores.base import StoreUnavailableError

router = APIRouter(tags=["service"])


@router.get("/", operation_id="getService")
async def root() -> dict[str, Any]:
    """Service name, version and links."""
    return {
        "service": "interview-integrity",
        "version": __version__,
        "links": {"docs": "/docs", "redoc": "/redoc", "openapi": "/openapi.json", "health": "/health",
                  "ready": "/ready", "metrics": "/metrics", "websocket": "/ws/stream", "demo": "/demo"},
    }  # fmt: skip


@router.get("/health", operation_id="getHealth")
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready", operation_id="getReadiness", responses={503: ERRORS[503]})
async def ready(services: ServicesDep) -> JSONResponse:
    """200 only when the models are warm and the session store answers."""
    pipeline = services.pipeline
    store_ok = pipeline is not None and await pipeline.store.ping()
    models_ok = pipeline is not None and pipeline.warm
    body = {
        "status": "ready" if store_ok and models_ok else "not_ready",
        "models_warm": models_ok,
        "store": services.settings.session_store,
        "store_ok": store_ok,
        "detectors": pipeline.analyzer.detector_names if pipeline else [],
        "identity_check": pipeline.analyzer.identity_available if pipeline else False,
        "webhooks": bool(services.settings.webhook_url),
    }
    if store_ok and models_ok:
        return JSONResponse(body)
    return JSONResponse(body, status_code=503, headers={"Retry-After": "2"})


@router.get("/metrics", operation_id="getMetrics", response_class=Response)
async def metrics(services: ServicesDep) -> Response:
    """Prometheus metrics."""
    if services.pipeline is not None:
        # a scrape while the store is down still answers, with the last count
        with contextlib.suppress(StoreUnavailableError):
            services.metrics.active_sessions.set(await services.pipeline.store.count_active())
    return Response(services.metrics.render(), media_type="text/plain; version=0.0.4")
