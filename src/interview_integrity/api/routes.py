"""REST routes: thin adapters from HTTP to the Pipeline."""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from interview_integrity import __version__, logs
from interview_integrity.analysis.policy import PolicyOverrides
from interview_integrity.api.errors import describe_validation
from interview_integrity.api.schemas import (
    CalibrationRestarted,
    ClientEventAccepted,
    ClientEventCreate,
    ErrorResponse,
    FrameResult,
    FrameSubmit,
    ReviewCreate,
    SessionCreate,
    SessionCreated,
    SessionRef,
    SessionReport,
    SessionStatus,
)
from interview_integrity.api.security import OwnerDep
from interview_integrity.api.state import Services, ServicesDep
from interview_integrity.clock import MAX_TIMESTAMP
from interview_integrity.errors import Busy, InvalidInput, Unprocessable, UnsupportedMediaType
from interview_integrity.pipeline import Pipeline
from interview_integrity.report_page import render_report
from interview_integrity.sessions.base import Review, StoreUnavailableError

router = APIRouter()
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in {
        400: "Bad input (e.g. the frame is not an image)",
        401: "Missing or invalid API key",
        404: "No such session for this API key (or it expired)",
        409: "The session has ended",
        413: "Frame or request too large",
        415: "Unsupported content type",
        422: "Body failed validation",
        429: "Rate limited (see Retry-After)",
        503: "Busy or not ready (see Retry-After)",
    }.items()
}


# a page's errors are JSON too: say so, or the page's media type is assumed for them
HTML_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {**spec, "content": {"application/json": {"schema": ErrorResponse.model_json_schema()}}}
    for status, spec in ERRORS.items()
}


def _pipeline(services: Services) -> Pipeline:
    if services.pipeline is None:
        raise Busy("the service is starting; models are loading", code="not_ready", retry_after=2)
    return services.pipeline


@router.get("/", tags=["service"])
async def root() -> dict[str, Any]:
    """Service name, version and links."""
    return {
        "service": "interview-integrity",
        "version": __version__,
        "links": {"docs": "/docs", "openapi": "/openapi.json", "health": "/health", "ready": "/ready",
                  "metrics": "/metrics", "websocket": "/ws/stream", "demo": "/demo"},
    }  # fmt: skip


@router.get("/health", tags=["service"])
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready", tags=["service"], responses={503: ERRORS[503]})
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
    }
    if store_ok and models_ok:
        return JSONResponse(body)
    return JSONResponse(body, status_code=503, headers={"Retry-After": "2"})


@router.get("/metrics", tags=["service"], response_class=Response)
async def metrics(services: ServicesDep) -> Response:
    """Prometheus metrics."""
    if services.pipeline is not None:
        # a scrape while the store is down still answers, with the last count
        with contextlib.suppress(StoreUnavailableError):
            services.metrics.active_sessions.set(await services.pipeline.store.count_active())
    return Response(services.metrics.render(), media_type="text/plain; version=0.0.4")


@router.post("/start-session", status_code=201, tags=["sessions"], responses=ERRORS)
async def start_session(body: SessionCreate, services: ServicesDep, owner: OwnerDep) -> SessionCreated:
    """Start a session for one candidate."""
    policy = body.policy.changes() if isinstance(body.policy, PolicyOverrides) else body.policy
    record = await _pipeline(services).start_session(
        body.candidate_id, policy, body.metadata, owner, evidence=body.evidence
    )
    logs.session_id.set(record.id)
    return SessionCreated(
        session_id=record.id,
        candidate_id=record.candidate_id,
        created_at=record.created_at,
        expires_in_s=services.settings.session_idle_ttl_s,
        policy=record.policy.model_dump(mode="json"),
    )


_FRAME_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": FrameSubmit.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["session_id", "frame"],
                    "properties": {
                        "session_id": {"type": "string", "minLength": 1, "maxLength": 100},
                        "timestamp": {"type": "number", "minimum": 0, "exclusiveMaximum": MAX_TIMESTAMP},
                        "frame": {"type": "string", "format": "binary", "description": "JPEG, PNG or WebP file"},
                    },
                }
            },
        },
    }
}


async def _frame_request(request: Request) -> FrameSubmit | tuple[str, bytes, float | None]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            return FrameSubmit.model_validate_json(await request.body())
        except ValidationError as error:
            raise Unprocessable(describe_validation(error.errors())) from None
    if content_type == "multipart/form-data":
        form = await request.form()
        session_id, upload, raw_time = form.get("session_id"), form.get("frame"), form.get("timestamp")
        if not isinstance(session_id, str) or not session_id:
            raise Unprocessable("multipart field 'session_id' is required")
        if isinstance(upload, UploadFile):
            data = await upload.read()
        elif isinstance(upload, str) and upload:
            data = upload.encode()
        else:
            raise Unprocessable("multipart field 'frame' (an image file) is required")
        try:
            timestamp = float(raw_time) if isinstance(raw_time, str) and raw_time else None
        except ValueError:
            raise Unprocessable("multipart field 'timestamp' must be a number of seconds") from None
        return session_id, data, timestamp
    raise UnsupportedMediaType(
        f"content type {content_type or 'none'!r} is not accepted: send application/json or multipart/form-data"
    )


@router.post("/analyze-frame", tags=["frames"], responses=ERRORS, openapi_extra=_FRAME_BODY)
async def analyze_frame(request: Request, services: ServicesDep, owner: OwnerDep) -> FrameResult:
    """Analyse one frame of a session: JSON (base64 or data URL) or multipart (a file)."""
    parsed = await _frame_request(request)
    frame: str | bytes
    if isinstance(parsed, FrameSubmit):
        session_id, frame, timestamp = parsed.session_id, parsed.frame, parsed.timestamp
    else:
        session_id, frame, timestamp = parsed
    if isinstance(frame, bytes) and not frame:
        raise InvalidInput("the frame is empty", code="empty_image")
    logs.session_id.set(session_id)
    result = await _pipeline(services).analyze_frame(session_id, owner, frame, timestamp)
    return FrameResult.model_validate(result)


@router.post("/end-session", tags=["sessions"], responses=ERRORS)
async def end_session(body: SessionRef, services: ServicesDep, owner: OwnerDep) -> SessionReport:
    """End a session and get its report. Later frames get 409; the report stays for the retention period."""
    logs.session_id.set(body.session_id)
    return SessionReport.model_validate(await _pipeline(services).end_session(body.session_id, owner))


@router.get("/sessions/{session_id}", tags=["sessions"], responses=ERRORS)
async def session_status(session_id: str, services: ServicesDep, owner: OwnerDep) -> SessionStatus:
    """Live status: frames, open events, current risk."""
    return SessionStatus.model_validate(await _pipeline(services).status(session_id, owner))


@router.get("/sessions/{session_id}/report", tags=["sessions"], responses=ERRORS)
async def session_report(session_id: str, services: ServicesDep, owner: OwnerDep) -> SessionReport:
    """The session report (final once the session has ended)."""
    return SessionReport.model_validate(await _pipeline(services).report(session_id, owner))


@router.get(
    "/sessions/{session_id}/report.html",
    tags=["sessions"],
    response_class=HTMLResponse,
    responses={**HTML_ERRORS, 200: {"content": {"text/html": {}}, "description": "A self-contained page"}},
)
async def session_report_page(session_id: str, services: ServicesDep, owner: OwnerDep) -> HTMLResponse:
    """The reviewer's page: verdict, risk over time, timeline, events, evidence, decisions, policy."""
    report = await _pipeline(services).report(session_id, owner)
    return HTMLResponse(
        render_report(report),
        headers={"Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'"},
    )


@router.post("/sessions/{session_id}/review", status_code=201, tags=["sessions"], responses=ERRORS)
async def review(session_id: str, body: ReviewCreate, services: ServicesDep, owner: OwnerDep) -> Review:
    """Record a reviewer's decision on an event (or the whole session). The measured events never change."""
    return await _pipeline(services).review(session_id, owner, body.event_id, body.decision, body.note)


@router.delete("/sessions/{session_id}", status_code=204, tags=["sessions"], responses=ERRORS)
async def delete_session(session_id: str, services: ServicesDep, owner: OwnerDep) -> Response:
    """Delete the session, its report and its evidence at once."""
    await _pipeline(services).delete(session_id, owner)
    return Response(status_code=204)


@router.post("/sessions/{session_id}/calibrate", tags=["sessions"], responses=ERRORS)
async def calibrate(session_id: str, services: ServicesDep, owner: OwnerDep) -> CalibrationRestarted:
    """Restart calibration: the next seconds of good frontal frames set the candidate's baseline."""
    return CalibrationRestarted.model_validate(await _pipeline(services).calibrate(session_id, owner))


@router.post("/sessions/{session_id}/client-events", status_code=201, tags=["sessions"], responses=ERRORS)
async def client_event(
    session_id: str, body: ClientEventCreate, services: ServicesDep, owner: OwnerDep
) -> ClientEventAccepted:
    """Report what the page saw: tab_hidden, window_blur, fullscreen_exit, copy_paste."""
    result = await _pipeline(services).client_event(session_id, owner, body.type, body.timestamp)
    return ClientEventAccepted.model_validate(result)
