"""The sound path: a chunk of audio -> the speech model -> beside the candidate's lips -> the voice rules.

A chunk arrives as WAV bytes (REST, the WebSocket) or as samples a media track decoded (WebRTC). It is
decoded and checked (a clear 400 otherwise, the session untouched), its speech found on the frames'
threads, and applied to the session in one atomic update: the steps join those waiting for their lips
(audio/lipsync.py), and every step whose lips are known goes to the voice rules (analysis/rules/voice.py).
A session's chunks take turns in time order, as its frames do, on a line of their own: each continues the
speech model's memory of the last. Frames bring the lips: `frame_sound` runs inside a frame's update.
No sample outlives the request that brought it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from interview_integrity.analysis.engine import SessionAnalyzer
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.scoring import Risk
from interview_integrity.analysis.state import SessionState
from interview_integrity.audio import lipsync
from interview_integrity.audio.listen import AudioOrderError, Listened, check_order, listen
from interview_integrity.audio.signals import STEP_S, Listening, SoundStream
from interview_integrity.audio.speech import SpeechModel
from interview_integrity.audio.wav import AudioError, Pcm, decode_base64, decode_wav, pcm_from_int16
from interview_integrity.config import Settings
from interview_integrity.errors import Conflict, InvalidInput
from interview_integrity.metrics import Metrics
from interview_integrity.service.access import SessionAccess
from interview_integrity.service.clock import check_event, on_clock
from interview_integrity.service.results import AudioResult
from interview_integrity.service.workers import Workers
from interview_integrity.stores.base import SessionRecord
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.signals import FrameSignals

Chunk = bytes | str | Pcm  # WAV bytes, base64 WAV text, or samples a media track decoded
SNAP_S = 1.0


def frame_sound(sound: SoundStream, state: SessionState, engine: SessionAnalyzer, signals: FrameSignals) -> list[Event]:
    """A frame's lips join the sound waiting for them (after the frame's rules): the events settled."""
    heard = sound.listening.heard_until is not None
    lipsync.see(sound.lips, signals.timestamp, signals.mouth, heard)
    windows = lipsync.settle(sound.lips, signals.timestamp, sound.listening.heard_until)
    return engine.hear(state, windows)


def flush_sound(sound: SoundStream, state: SessionState, engine: SessionAnalyzer) -> list[Event]:
    """At the session's end, the sound still waiting is judged with whatever frames there were."""
    windows = lipsync.settle(sound.lips, state.last_timestamp, sound.listening.heard_until, final=True)
    return engine.hear(state, windows)


def apply_chunk(
    sound: SoundStream, state: SessionState, engine: SessionAnalyzer, listened: Listened
) -> tuple[list[Event], float | None]:
    """A chunk joins the sound waiting for lips: (the events of what settled, how far judging has reached)."""
    check_order(sound.listening, listened.start)
    sound.listening = listened.listening
    lipsync.hear(sound.lips, listened.steps)
    windows = lipsync.settle(sound.lips, state.last_timestamp, sound.listening.heard_until)
    events = engine.hear(state, windows)
    judged = sound.lips.judged_until * STEP_S if sound.lips.judged_until else None
    return events, judged


def track_chunk(interleaved: Array, rate: int, channels: int) -> Pcm:
    """Samples a media track decoded (16-bit, interleaved) as a chunk, checked as a WAV's are."""
    try:
        return pcm_from_int16(interleaved, rate, channels)
    except AudioError as error:
        raise InvalidInput(str(error), code=error.code) from None


def decode_chunk(chunk: Chunk) -> Pcm:
    if isinstance(chunk, Pcm):
        return chunk
    return decode_wav(decode_base64(chunk) if isinstance(chunk, str) else chunk)


@dataclass
class _Applied:
    events: list[Event]
    opened: list[str]  # the types of the events this chunk opened
    judged: float | None
    risk: Risk
    cpu_s: float


def _apply(record: SessionRecord, listened: Listened, received: float) -> _Applied:
    cpu = time.thread_time()
    if record.status != "active":
        raise Conflict(f"session {record.id!r} ended while this audio was analysed", code="session_ended")
    engine = SessionAnalyzer(record.policy)
    known = {event.id for event in record.state.events}
    try:
        events, judged = apply_chunk(record.sound, record.state, engine, listened)
    except AudioOrderError as error:
        raise Conflict(str(error), code="audio_out_of_order") from None
    record.last_seen_at = received
    now = max(engine.now(record.state), listened.listening.heard_until or 0.0)
    risk = engine.risk(record.state, now)
    opened: list[str] = [event.type for event in events if event.id not in known]
    return _Applied(events, opened, judged, risk, time.thread_time() - cpu)


def _timed_decode(chunk: Chunk) -> tuple[Pcm, float]:
    cpu = time.thread_time()
    try:
        return decode_chunk(chunk), time.thread_time() - cpu
    except AudioError as error:
        raise InvalidInput(str(error), code=error.code) from None


def _timed_listen(model: SpeechModel, listening: Listening, pcm: Pcm, start: float) -> tuple[Listened, float]:
    cpu = time.thread_time()
    listened = listen(model, listening, pcm, start)
    return listened, time.thread_time() - cpu


def _continued(heard_until: float | None, arrived: float) -> float:
    """An untimed chunk (placed by its arrival) that arrives within `SNAP_S` of where the last one ended
    continues it: network jitter is not a gap in the sound, nor a chunk out of order."""
    if heard_until is not None and abs(arrived - heard_until) <= SNAP_S:
        return heard_until
    return arrived


class SoundPath:
    def __init__(self, settings: Settings, workers: Workers, access: SessionAccess, metrics: Metrics) -> None:
        self._idle_ttl_s = float(settings.session_idle_ttl_s)
        self._workers = workers
        self._access = access
        self._metrics = metrics
        self._model = SpeechModel()

    async def hear(
        self, session_id: str, owner: str | None, chunk: Chunk, timestamp: float | None, arrived_at: float | None = None
    ) -> AudioResult:
        """One chunk of a session's sound. Without a timestamp, its first sample is placed at its arrival
        less its length (a chunk is sent once it has been recorded)."""
        received = arrived_at or time.time()
        pcm, decode_cpu = await self._workers.sound(_timed_decode, chunk)
        record = await self._access.active(session_id, owner)
        start = on_clock(timestamp, received - record.created_at - pcm.seconds)
        check_event(start, record.state.first_timestamp, record.state.last_timestamp, self._idle_ttl_s)
        line = f"{session_id}/audio"
        # chunks come in order from their one sender and never wait for earlier ones (a late one is refused)
        async with self._access.store.turn(line, start, reorder=False):
            record = await self._access.active(session_id, owner)
            if timestamp is None:
                start = _continued(record.sound.listening.heard_until, start)
            try:
                check_order(record.sound.listening, start)
            except AudioOrderError as error:
                raise Conflict(str(error), code="audio_out_of_order") from None
            listened, model_cpu = await self._workers.sound(
                _timed_listen, self._model, record.sound.listening, pcm, start
            )
            applied = await self._access.update(session_id, lambda stored: _apply(stored, listened, received))
        self._metrics.audio_seconds.inc(listened.seconds)
        self._metrics.audio_cpu.inc(decode_cpu + model_cpu + applied.cpu_s)
        for kind in applied.opened:
            self._metrics.events.labels(kind).inc()
        return AudioResult(
            session_id=session_id,
            timestamp=listened.start,
            duration_s=round(listened.seconds, 3),
            speech_s=round(sum(step.speech_s for step in listened.steps), 3),
            judged_until=applied.judged,
            processing_ms=round((time.time() - received) * 1000, 1),
            events=applied.events,
            risk=applied.risk,
        )
