"""Sound: one chunk of a session's audio, as JSON (a base64 WAV and the time of its first sample)."""

from __future__ import annotations

from fastapi import APIRouter

from interview_integrity import logs
from interview_integrity.api.routes.common import ERRORS, pipeline_of
from interview_integrity.api.schemas import AudioCreate, AudioResult
from interview_integrity.api.security import OwnerDep
from interview_integrity.api.state import ServicesDep

router = APIRouter(tags=["audio"])


@router.post("/sessions/{session_id}/audio", operation_id="addAudio", responses=ERRORS)
async def add_audio(session_id: str, body: AudioCreate, services: ServicesDep, owner: OwnerDep) -> AudioResult:
    """Hear one chunk of the session's sound: speech in it is told apart by the candidate's own lips in the
    frames around it (`other_voice`; `speaking` under the `exam` policy). Nothing of the sound is kept but
    per-moment numbers."""
    logs.session_id.set(session_id)
    return await pipeline_of(services).sound.hear(session_id, owner, body.audio, body.timestamp)
