"""Frames: one frame of a session, as JSON (base64 or a data URL) or multipart (a file)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from interview_integrity import logs
from interview_integrity.api.errors import describe_validation
from interview_integrity.api.routes.common import ERRORS, pipeline_of
from interview_integrity.api.schemas import FrameCreate, FrameResult, FrameSubmit
from interview_integrity.api.security import OwnerDep
from interview_integrity.api.state import ServicesDep
from interview_integrity.errors import InvalidInput, Unprocessable, UnsupportedMediaType
from interview_integrity.service.clock import MAX_TIMESTAMP
from interview_integrity.service.once import MAX_FRAME_ID, frame_id_of

router = APIRouter(tags=["frames"])

# the documented form of /analyze-frame: one file and its session (the JSON form has its own path below, so
# that each operation has one body type, as client generators expect)
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["session_id", "frame"],
                    "properties": {
                        "session_id": {"type": "string", "minLength": 1, "maxLength": 100},
                        "timestamp": {
                            "type": "number",
                            "minimum": 0,
                            "exclusiveMaximum": MAX_TIMESTAMP,
                            "description": "Seconds on the session's clock (see FrameSubmit.timestamp).",
                        },
                        "frame_id": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": MAX_FRAME_ID,
                            "description": "Your id of the frame (see FrameSubmit.frame_id).",
                        },
                        "frame": {"type": "string", "format": "binary", "description": "JPEG, PNG or WebP file"},
                    },
                }
            },
        },
    }
}


async def _frame_request(request: Request) -> FrameSubmit | tuple[str, bytes, float | None, str | None]:
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
        return session_id, data, timestamp, frame_id_of(form.get("frame_id") or None)
    raise UnsupportedMediaType(
        f"content type {content_type or 'none'!r} is not accepted: send application/json or multipart/form-data"
    )


@router.post(
    "/analyze-frame",
    operation_id="analyzeFrame",
    response_model=FrameResult,
    responses=ERRORS,
    openapi_extra=_UPLOAD_BODY,
)
async def analyze_frame(request: Request, services: ServicesDep, owner: OwnerDep) -> Response:
    """Analyse one frame of a session, sent as a file (multipart). The JSON body of `addFrame` with its
    `session_id` is accepted here too."""
    parsed = await _frame_request(request)
    frame: str | bytes
    if isinstance(parsed, FrameSubmit):
        session_id, frame, timestamp, frame_id = parsed.session_id, parsed.frame, parsed.timestamp, parsed.frame_id
    else:
        session_id, frame, timestamp, frame_id = parsed
    return await _analyze(services, owner, session_id, frame, timestamp, frame_id)


@router.post("/sessions/{session_id}/frames", operation_id="addFrame", response_model=FrameResult, responses=ERRORS)
async def add_frame(session_id: str, body: FrameCreate, services: ServicesDep, owner: OwnerDep) -> Response:
    """Analyse one frame of a session, sent as JSON (base64 or a `data:` URL)."""
    return await _analyze(services, owner, session_id, body.frame, body.timestamp, body.frame_id)


async def _analyze(
    services: ServicesDep,
    owner: str | None,
    session_id: str,
    frame: str | bytes,
    timestamp: float | None,
    frame_id: str | None,
) -> Response:
    if isinstance(frame, bytes) and not frame:
        raise InvalidInput("the frame is empty", code="empty_image")
    logs.session_id.set(session_id)
    result = await pipeline_of(services).frames.analyze(session_id, owner, frame, timestamp, frame_id=frame_id)
    # the answer's JSON was written once, when it was kept: sent as it is, not validated and written again
    return Response(result.json_text(), media_type="application/json")
