"""POST /sessions/{id}/webrtc: the candidate's camera as a WebRTC video track, and their microphone as an
audio track of the same peer connection when the offer has one.

The client sends an SDP offer with one video track (and optionally one audio track) and a data channel
(ICE candidates inside the SDP: no trickle); the answer comes back in the response. The server (aiortc)
decodes the tracks, samples frames at the session's analysis rate by the track's own timestamps (media.py)
and offers each one to a StreamSession, the same one the WebSocket uses: one frame waits while one is
analysed, a newer one replaces it and the client is told (`skipped`, with the running count). The sound is
cut into chunks of `AUDIO_CHUNK_S` by its own timestamps and heard in order (`audio_result` messages). Both
tracks are placed on the session's clock from the moment the first of them arrived, each by its own
timestamps from its first frame on. Results go back on the data channel as the
WebSocket's messages (`result` also carries `media_time_s`, the frame's time on the track); they stay
readable over REST. On the channel the client may send `client_event`, `calibrate`, `ping`, `stats` and
`end` (answered with `report`, then the connection closes).

One track per session and `WEBRTC__MAX_PEERS` per process; the peer connection lives in the process that
answered the offer, so a load balancer must route the session's UDP flow and its POST to one replica
(docs/DEPLOYMENT.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Annotated, Any, Literal

import numpy as np
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame, VideoFrame
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from interview_integrity import logs
from interview_integrity.api.routes.common import ERRORS, pipeline_of
from interview_integrity.api.security import OwnerDep, client_key, rate_limit
from interview_integrity.api.state import Services, ServicesDep
from interview_integrity.api.streams.media import FrameSampler, interleaved, pixels
from interview_integrity.api.streams.peers import Peers
from interview_integrity.api.streams.session import StreamSession, parse_json
from interview_integrity.config import WebRTCSettings
from interview_integrity.errors import InvalidInput, NotFound, ServiceError
from interview_integrity.service.sound import track_chunk
from interview_integrity.vision.arrays import Array

router = APIRouter(tags=["webrtc"])
log = logging.getLogger("interview_integrity.webrtc")
_CHANNEL_MESSAGES = {"client_event", "calibrate", "ping", "end", "stats"}
_ANSWER_TIMEOUT_S = 15.0
_FLUSH_S = 1.0
_MEDIA_TIMES_KEPT = 16
AUDIO_CHUNK_S = 1.0
_AUDIO_GAP_S = 0.05  # sound frames further apart than this are a gap: the chunk so far is sent on its own


class WebRTCOffer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sdp: str = Field(min_length=1, max_length=64_000, description="The client's SDP offer, ICE candidates included.")
    type: Literal["offer"]
    fps: Annotated[float, Field(gt=0, allow_inf_nan=False, strict=True)] | None = Field(
        None, description="Frames to analyse per second of track time (at most WEBRTC__MAX_FPS)."
    )


class WebRTCAnswer(BaseModel):
    session_id: str
    sdp: str
    type: Literal["answer"]
    fps: float = Field(description="The analysis rate the server will sample the track at.")


class TrackPeer:
    """One session's peer connection: its track's consumer, its data channel and its stream."""

    def __init__(
        self, session_id: str, owner: str | None, services: Services, fps: float, limit_key: str, peers: Peers
    ) -> None:
        settings = services.settings.webrtc
        self.session_id = session_id
        self.services = services
        self.settings = settings
        self.fps = fps
        self.limit_key = limit_key
        self.peers = peers
        self.pc = RTCPeerConnection(_configuration(settings))
        self.stream = StreamSession(self._send, services, pipeline_of(services), owner)
        self.stream.session_id = session_id
        self.channel: Any = None
        self.frames_received = 0
        self.frames_sampled = 0
        self.started_at = time.time()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._media_times: dict[float, float] = {}  # session time -> track time, for frames not yet answered
        self._anchor: tuple[float, float] | None = None  # (Unix time, session time) the first track arrived
        self._anchoring = asyncio.Lock()
        self.audio_chunks = 0
        self.audio_seconds = 0.0
        self._closed = False
        self.pc.on("track", self._on_track)
        self.pc.on("datachannel", self._on_channel)
        self.pc.on("connectionstatechange", self._on_state)
        self._spawn(self.stream.work())
        self._spawn(self._connect_deadline())

    async def answer(self, offer: WebRTCOffer) -> str:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer.sdp, type=offer.type))
        if not any(receiver.track.kind == "video" for receiver in self.pc.getReceivers()):
            raise InvalidInput("the offer has no video track", code="no_video_track")
        await self.pc.setLocalDescription(await self.pc.createAnswer())  # gathers ICE: no trickle
        return str(self.pc.localDescription.sdp)

    # -- the track --------------------------------------------------------------------------------
    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "video":
            self._spawn(self._consume(track))
        elif track.kind == "audio":
            self._spawn(self._listen(track))

    async def _consume(self, track: MediaStreamTrack) -> None:
        sampler: FrameSampler | None = None
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                break  # the track ended
            if not isinstance(frame, VideoFrame):
                continue
            self.frames_received += 1
            media_time = frame.time
            if media_time is None:
                continue  # a frame without a timestamp cannot be placed on the track's clock
            if sampler is None:
                sampler = FrameSampler(self.fps, await self._track_origin())
            at = sampler.take(float(media_time))
            if at is None:
                continue
            self.frames_sampled += 1
            self._media_times[round(at, 6)] = float(media_time)
            while len(self._media_times) > _MEDIA_TIMES_KEPT:
                del self._media_times[next(iter(self._media_times))]
            with contextlib.suppress(ServiceError):
                await self.stream.offer(pixels(frame, self.settings.max_side), at)

    async def _listen(self, track: MediaStreamTrack) -> None:
        """The audio track, in chunks of AUDIO_CHUNK_S by its own timestamps, each heard in order."""
        pieces: list[Array] = []
        origin = first = start = None
        rate = channels = count = 0
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                break
            if not isinstance(frame, AudioFrame) or frame.time is None:
                continue
            if origin is None:
                origin, first = await self._track_origin(), float(frame.time)
            assert first is not None
            at = origin + float(frame.time) - first
            shape = (frame.sample_rate, len(frame.layout.channels))
            if start is not None and (shape != (rate, channels) or abs(at - (start + count / rate)) > _AUDIO_GAP_S):
                await self._hear(pieces, rate, channels, start)  # a gap or a new format: a chunk of its own
                pieces, start, count = [], None, 0
            if start is None:
                start, (rate, channels) = at, shape
            pieces.append(interleaved(frame))
            count += frame.samples
            if count >= rate * AUDIO_CHUNK_S:
                await self._hear(pieces, rate, channels, start)
                pieces, start, count = [], None, 0
        if start is not None:
            await self._hear(pieces, rate, channels, start)

    async def _hear(self, pieces: list[Array], rate: int, channels: int, start: float) -> None:
        samples = np.concatenate(pieces)
        if len(samples) < rate * channels // 10:
            return  # under a tenth of a second: the track's last breath
        with contextlib.suppress(ServiceError):
            await self.stream.offer_audio(track_chunk(samples, rate, channels), start)
            self.audio_chunks += 1
            self.audio_seconds += len(samples) / (rate * channels)

    async def _track_origin(self) -> float:
        """Where a track's first frame lands on the session's clock: the first track to arrive starts at the
        session's origin (below); a later one as much later as it arrived."""
        async with self._anchoring:
            if self._anchor is None:
                self._anchor = (time.time(), await self._origin())
                return self._anchor[1]
            return self._anchor[1] + max(0.0, time.time() - self._anchor[0])

    async def _origin(self) -> float:
        """Where the track starts on the session's clock: 0 for a new session, else now (never before the
        session's last frame)."""
        record = await pipeline_of(self.services).sessions.get(self.session_id, self.stream.owner)
        last = record.state.last_timestamp
        if last is None:
            return 0.0
        return max(time.time() - record.created_at, last + 1.0 / self.fps)

    # -- the data channel -------------------------------------------------------------------------
    def _on_channel(self, channel: Any) -> None:
        self.channel = channel
        channel.on("message", lambda message: self._spawn(self._on_message(message)))
        self._spawn(self._send({"type": "session", "session_id": self.session_id, "resumed": False,
                                "transport": "webrtc", "fps": self.fps}))  # fmt: skip

    async def _on_message(self, raw: str | bytes) -> None:
        try:
            await rate_limit(self.services, self.limit_key)
            message = parse_json(raw)
            if not isinstance(message, dict) or message.get("type") not in _CHANNEL_MESSAGES:
                kind = message.get("type") if isinstance(message, dict) else None
                raise InvalidInput(
                    f"unknown message {kind!r} on a WebRTC data channel (frames come on the track); "
                    f"one of {sorted(_CHANNEL_MESSAGES)}",
                    code="unknown_message",
                )
            if message["type"] == "stats":
                await self._send({"type": "stats", **await self.stats()})
            elif not await self.stream.handle(message):  # `end`: the report has been sent
                await asyncio.sleep(_FLUSH_S)
                await self.close()
        except ServiceError as error:
            await self.stream.error(error)
        except Exception:
            log.exception("a data channel message could not be handled")
            failure = ServiceError("the message could not be handled; it was logged", code="internal_error")
            await self.stream.error(failure)

    async def _send(self, message: dict[str, Any]) -> None:
        if message.get("type") == "result":
            media = self._media_times.pop(round(float(message["timestamp"]), 6), None)
            message = {**message, "media_time_s": media}
        channel = self.channel
        if channel is not None and channel.readyState == "open":
            channel.send(json.dumps(message))
        if message.get("type") == "error" and message.get("code") == "session_ended":
            self._spawn(self.close())  # ended over REST: the track has nothing left to feed

    # -- life and death ---------------------------------------------------------------------------
    async def _on_state(self) -> None:
        if self.pc.connectionState in ("failed", "closed"):
            await self.close()

    async def _connect_deadline(self) -> None:
        await asyncio.sleep(self.settings.connect_timeout_s)
        if self.pc.connectionState != "connected":
            log.info("webrtc peer never connected", extra={"fields": {"session_id": self.session_id}})
            await self.close()

    async def stats(self) -> dict[str, Any]:
        report = await self.pc.getStats()
        received = sum(getattr(s, "bytesReceived", 0) for s in report.values() if s.type == "transport")
        return {
            "frames_received": self.frames_received,
            "frames_sampled": self.frames_sampled,
            "skipped_total": self.stream.skipped,
            "audio_chunks": self.audio_chunks,
            "audio_seconds": round(self.audio_seconds, 3),
            "bytes_received": received,
            "seconds": round(time.time() - self.started_at, 3),
        }

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.peers.release(self.session_id, self)
        with contextlib.suppress(Exception):
            log.info("webrtc peer closed", extra={"fields": {"session_id": self.session_id, **await self.stats()}})
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
        await self.pc.close()


def _configuration(settings: WebRTCSettings) -> RTCConfiguration:
    servers = [
        RTCIceServer(urls=url, username=settings.turn_username or None, credential=settings.turn_credential or None)
        if url.startswith("turn")
        else RTCIceServer(urls=url)
        for url in settings.ice_servers
    ]
    return RTCConfiguration(iceServers=servers)


@router.post("/sessions/{session_id}/webrtc", operation_id="startWebrtc", responses=ERRORS)
async def webrtc_offer(
    session_id: str, body: WebRTCOffer, request: Request, services: ServicesDep, owner: OwnerDep
) -> WebRTCAnswer:
    """Send the session's camera as a WebRTC track: an SDP offer in, the answer out; results come back on
    the offer's data channel."""
    settings = services.settings.webrtc
    if not settings.enabled or services.peers is None:
        raise NotFound("WebRTC is switched off on this server (WEBRTC__ENABLED)", code="webrtc_disabled")
    await pipeline_of(services).sessions.active(session_id, owner)
    if "m=video" not in body.sdp:
        raise InvalidInput("the offer has no video track", code="no_video_track")
    logs.session_id.set(session_id)
    fps = min(body.fps or settings.fps, settings.max_fps)
    peers = services.peers
    limit_key = client_key(request, owner)
    peer = peers.claim(session_id, lambda: TrackPeer(session_id, owner, services, fps, limit_key, peers))
    try:
        sdp = await asyncio.wait_for(peer.answer(body), _ANSWER_TIMEOUT_S)
    except ServiceError:
        await peer.close()
        raise
    except Exception as error:  # aiortc rejects a malformed offer with assorted errors
        await peer.close()
        log.info("unusable SDP offer", extra={"fields": {"error": type(error).__name__}})
        raise InvalidInput(f"the SDP offer could not be used ({type(error).__name__})", code="invalid_sdp") from None
    return WebRTCAnswer(session_id=session_id, sdp=sdp, type="answer", fps=fps)
