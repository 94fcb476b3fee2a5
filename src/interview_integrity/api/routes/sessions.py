"""Sessions: start, follow, end, list, and what a client or a reviewer adds to one."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response

from interview_integrity import logs
from interview_integrity.analysis.policy import PolicyOverrides
from interview_integrity.analysis.scoring import Verdict
from interview_integrity.api.routes.common import ERRORS, pipeline_of
from interview_integrity.api.schemas import (
    CalibrationRestarted,
    ClientEventAccepted,
    ClientEventCreate,
    EventsPage,
    ReferencePhoto,
    ReferencePhotoKept,
    ReviewCreate,
    SessionCreate,
    SessionCreated,
    SessionList,
    SessionRef,
    SessionReport,
    SessionStatus,
    WebhookLog,
)
from interview_integrity.api.security import OwnerDep
from interview_integrity.api.state import ServicesDep
from interview_integrity.stores.base import Review

router = APIRouter(tags=["sessions"])
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Retrying with the same key gives the same session (start-session) or report (end-session).",
    ),
]


@router.post("/start-session", status_code=201, operation_id="startSession", responses=ERRORS)
async def start_session(
    body: SessionCreate, services: ServicesDep, owner: OwnerDep, idempotency_key: IdempotencyKey = None
) -> SessionCreated:
    """Start a session for one candidate."""
    policy = body.policy.changes() if isinstance(body.policy, PolicyOverrides) else body.policy
    record = await pipeline_of(services).sessions.start(
        body.candidate_id, policy, body.metadata, owner, evidence=body.evidence, idempotency_key=idempotency_key,
        reference_photo=body.reference_photo,
    )  # fmt: skip
    logs.session_id.set(record.id)
    return SessionCreated(
        session_id=record.id,
        candidate_id=record.candidate_id,
        created_at=record.created_at,
        expires_in_s=services.settings.session_idle_ttl_s,
        policy=record.policy,
    )


@router.post("/end-session", operation_id="endSession", responses=ERRORS)
async def end_session(
    body: SessionRef, services: ServicesDep, owner: OwnerDep, idempotency_key: IdempotencyKey = None
) -> SessionReport:
    """End a session and get its report. Ending it again answers the same report; later frames get 409."""
    logs.session_id.set(body.session_id)
    return await pipeline_of(services).sessions.end(body.session_id, owner)


@router.get("/sessions", operation_id="listSessions", responses=ERRORS)
async def list_sessions(
    services: ServicesDep,
    owner: OwnerDep,
    candidate_id: Annotated[str | None, Query(max_length=200)] = None,
    status: Literal["active", "ended"] | None = None,
    verdict: Verdict | None = None,
    created_from: Annotated[float | None, Query(ge=0, description="Unix time, inclusive.")] = None,
    created_to: Annotated[float | None, Query(ge=0, description="Unix time, inclusive.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=200, description="`next_cursor` of the page before.")] = None,
) -> SessionList:
    """The caller's sessions, newest first, filtered; `next_cursor` gives the next page."""
    return await pipeline_of(services).sessions.list(
        owner, candidate_id=candidate_id, status=status, verdict=verdict, created_from=created_from,
        created_to=created_to, limit=limit, cursor=cursor,
    )  # fmt: skip


@router.get("/sessions/{session_id}", operation_id="getSession", responses=ERRORS)
async def session_status(session_id: str, services: ServicesDep, owner: OwnerDep) -> SessionStatus:
    """Live status: frames, open events, current risk, the start-of-session check."""
    return await pipeline_of(services).sessions.status(session_id, owner)


@router.get("/sessions/{session_id}/events", operation_id="listEvents", responses=ERRORS)
async def events(
    session_id: str,
    services: ServicesDep,
    owner: OwnerDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
) -> EventsPage:
    """A session's events in time order, a page at a time."""
    return await pipeline_of(services).sessions.events(session_id, owner, cursor, limit)


@router.delete("/sessions/{session_id}", status_code=204, operation_id="deleteSession", responses=ERRORS)
async def delete_session(session_id: str, services: ServicesDep, owner: OwnerDep) -> Response:
    """Delete the session, its report and its evidence at once."""
    await pipeline_of(services).sessions.delete(session_id, owner)
    return Response(status_code=204)


@router.post("/sessions/{session_id}/calibrate", operation_id="restartCalibration", responses=ERRORS)
async def calibrate(session_id: str, services: ServicesDep, owner: OwnerDep) -> CalibrationRestarted:
    """Restart calibration: the next seconds of frames set the candidate's resting gaze and head pose."""
    return await pipeline_of(services).sessions.calibrate(session_id, owner)


@router.post(
    "/sessions/{session_id}/reference-photo", status_code=201, operation_id="setReferencePhoto", responses=ERRORS
)
async def reference_photo(
    session_id: str, body: ReferencePhoto, services: ServicesDep, owner: OwnerDep
) -> ReferencePhotoKept:
    """Compare the session's faces with this photo too (identity_changed); only its embedding is kept."""
    return await pipeline_of(services).sessions.reference_photo(session_id, owner, body.photo)


@router.post("/sessions/{session_id}/client-events", status_code=201, operation_id="sendClientEvent", responses=ERRORS)
async def client_event(
    session_id: str, body: ClientEventCreate, services: ServicesDep, owner: OwnerDep
) -> ClientEventAccepted:
    """Report what the page saw (tab_hidden, window_blur, fullscreen_exit, copy_paste) or the camera in use."""
    return await pipeline_of(services).sessions.client_event(session_id, owner, body.type, body.timestamp, body.detail)


@router.post("/sessions/{session_id}/review", status_code=201, operation_id="reviewEvent", responses=ERRORS)
async def review(session_id: str, body: ReviewCreate, services: ServicesDep, owner: OwnerDep) -> Review:
    """Record a reviewer's decision on an event (or the whole session), with their name. The measured events
    never change."""
    sessions = pipeline_of(services).sessions
    return await sessions.review(session_id, owner, body.event_id, body.decision, body.note, body.reviewer)


@router.get("/sessions/{session_id}/webhooks", operation_id="listWebhookDeliveries", responses=ERRORS)
async def webhook_log(session_id: str, services: ServicesDep, owner: OwnerDep) -> WebhookLog:
    """Every webhook delivery of this session and how its attempts went."""
    return await pipeline_of(services).sessions.webhook_log(session_id, owner)
