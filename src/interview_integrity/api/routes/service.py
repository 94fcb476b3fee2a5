"""The service itself: its name and links, liveness, readiness, metrics."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from interview_integrity import __version__
from interview_integrity.api.routes.common import RETRY_AFTER
from interview_integrity.api.state import ServicesDep
from interview_integrity.stores.base import StoreUnavailableError

router = APIRouter(tags=["service"])
# a store that has not answered by then counts as down: probes time out after a second by default, and a
# probe that hangs tells the load balancer less than a 503 does
STORE_PING_BUDGET_S = 0.5


class ServiceInfo(BaseModel):
    service: Literal["interview-integrity"]
    version: str
    links: dict[str, str] = Field(description="Where the docs, the schema, the probes and the demo are.")


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    models_warm: bool
    store: Literal["memory", "redis"]
    store_ok: bool
    detectors: list[str] = Field(description="The object detectors this server runs.")
    identity_check: bool = Field(description="The face embedding is installed: identity_changed can be raised.")
    webhooks: bool


@router.get("/", operation_id="getService", response_model=ServiceInfo)
async def root(request: Request) -> ServiceInfo | Response:
    """Service name, version and links. A browser asking for a page is sent to the reviewer's console."""
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse("/console", status_code=303)
    return ServiceInfo(
        service="interview-integrity",
        version=__version__,
        links={"docs": "/docs", "redoc": "/redoc", "openapi": "/openapi.json", "health": "/health",
               "ready": "/ready", "metrics": "/metrics", "websocket": "/ws/stream", "demo": "/demo",
               "console": "/console"},
    )  # fmt: skip


@router.get("/health", operation_id="getHealth")
async def health() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@router.get(
    "/ready",
    operation_id="getReadiness",
    responses={503: {"model": Readiness, "description": "Not ready yet: see which part", "headers": RETRY_AFTER}},
)
async def ready(services: ServicesDep, response: Response) -> Readiness:
    """200 only when the models are warm and the session store answers within half a second; 503 (the same body,
    and Retry-After) until then."""
    pipeline = services.pipeline
    store_ok = False
    if pipeline is not None:
        with contextlib.suppress(TimeoutError):
            store_ok = await asyncio.wait_for(pipeline.store.ping(), STORE_PING_BUDGET_S)
    models_ok = pipeline is not None and pipeline.warm
    body = Readiness(
        status="ready" if store_ok and models_ok else "not_ready",
        models_warm=models_ok,
        store=services.settings.session_store,
        store_ok=store_ok,
        detectors=pipeline.analyzer.detector_names if pipeline else [],
        identity_check=pipeline.analyzer.identity_available if pipeline else False,
        webhooks=bool(services.settings.webhook_url),
    )
    if not (store_ok and models_ok):
        response.status_code = 503
        response.headers["Retry-After"] = "2"
    return body


@router.get("/metrics", operation_id="getMetrics", response_class=Response)
async def metrics(services: ServicesDep) -> Response:
    """Prometheus metrics."""
    if services.pipeline is not None:
        # a scrape while the store is down still answers, with the last count
        with contextlib.suppress(StoreUnavailableError):
            services.metrics.active_sessions.set(await services.pipeline.store.count_active())
    return Response(services.metrics.render(), media_type="text/plain; version=0.0.4")
