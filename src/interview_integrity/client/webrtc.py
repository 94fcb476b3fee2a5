"""Send a video file or a webcam to a session as a WebRTC track (aiortc), for tests, demos and benchmarks.

    async with AsyncInterviewClient("http://localhost:8000") as client:
        session_id = await client.start_session("candidate_123")
        run = await client.stream_webrtc(session_id, "interview.mp4")          # or "/dev/video0", format="v4l2"
        print(run.report["verdict"], [e["type"] for e in run.report["events"]])

A file plays at its own pace (real time), as a camera would, with its sound as an audio track of the same
peer connection (`sound=False` leaves it out). The results come back on the data channel (the WebSocket's
messages: `result` per frame, `audio_result` per second of sound); when the video track ends the run asks
for the server's counters and ends the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import VideoFrame

if TYPE_CHECKING:
    from collections.abc import Callable


class Offers(Protocol):
    """What a run needs of a client: its SDP offer answered (either client's `start_webrtc`)."""

    async def start_webrtc(self, session_id: str, offer: dict[str, Any]) -> dict[str, Any]: ...


_REPLY_TIMEOUT_S = 60.0


@dataclass
class WebRTCRun:
    """What one track's run gave: every data channel message, the report, and how the stream went."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    report: dict[str, Any] | None = None
    server: dict[str, Any] = field(default_factory=dict)  # the server's counters (bytes, frames, skipped)
    bytes_sent: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)  # frame sent -> its result back

    @property
    def results(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == "result"]

    @property
    def audio_results(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == "audio_result"]

    @property
    def skipped(self) -> int:
        return max((m["skipped_total"] for m in self.messages if m.get("type") == "skipped"), default=0)


class _TimedTrack(MediaStreamTrack):
    """Passes a track's frames on, noting when each left (by its time on the track) to measure latency."""

    kind = "video"

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.source = source
        self.sent_at: dict[float, float] = {}
        self.first: float | None = None

    async def recv(self) -> Any:
        try:
            frame = await self.source.recv()
        except MediaStreamError:
            self.stop()
            raise
        if isinstance(frame, VideoFrame) and frame.time is not None:
            if self.first is None:
                self.first = float(frame.time)
            self.sent_at[round(float(frame.time) - self.first, 3)] = time.time()
        return frame


async def stream_webrtc(
    client: Offers,
    session_id: str,
    source: str | Path,
    *,
    fps: float | None = None,
    media_format: str | None = None,
    media_options: dict[str, str] | None = None,
    on_message: Callable[[dict[str, Any]], None] | None = None,
    end: bool = True,
    max_seconds: float | None = None,
    sound: bool = True,
) -> WebRTCRun:
    """Play `source` to the session as a track until it ends (or `max_seconds`), then end the session. With
    `sound` (the default) the file's sound goes along as an audio track, when it has one."""
    player = MediaPlayer(str(source), format=media_format, options=media_options or {})
    if player.video is None:
        raise ValueError(f"{source} has no video stream")
    track = _TimedTrack(player.video)
    pc = RTCPeerConnection()
    channel = pc.createDataChannel("results")
    run = WebRTCRun()
    replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
    ended = asyncio.Event()
    loop = asyncio.get_running_loop()

    def received(raw: str | bytes) -> None:
        message = json.loads(raw)
        run.messages.append(message)
        if message.get("type") == "result" and message.get("media_time_s") is not None:
            sent = track.sent_at.pop(round(float(message["media_time_s"]), 3), None)
            if sent is not None:
                run.latencies_ms.append((time.time() - sent) * 1000)
        waiting = replies.pop(str(message.get("type")), None)
        if waiting is not None and not waiting.done():
            waiting.set_result(message)
        if on_message is not None:
            on_message(message)

    async def ask(message: dict[str, Any], reply: str) -> dict[str, Any]:
        replies[reply] = loop.create_future()
        channel.send(json.dumps(message))
        return await asyncio.wait_for(replies[reply], _REPLY_TIMEOUT_S)

    channel.on("message", received)
    track.on("ended", ended.set)
    pc.addTrack(track)
    if sound and player.audio is not None:
        pc.addTrack(player.audio)
    started = time.time()
    try:
        await pc.setLocalDescription(await pc.createOffer())
        body = {"sdp": pc.localDescription.sdp, "type": "offer", **({"fps": fps} if fps else {})}
        answer = await client.start_webrtc(session_id, body)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ended.wait(), max_seconds)
        run.seconds = time.time() - started
        await asyncio.sleep(1.0)  # the last sampled frames are still being answered
        if channel.readyState == "open":
            run.server = await ask({"type": "stats"}, "stats")
            if end:
                run.report = (await ask({"type": "end"}, "report"))["report"]
        stats = await pc.getStats()
        run.bytes_sent = sum(getattr(s, "bytesSent", 0) for s in stats.values() if s.type == "transport")
    finally:
        player.video.stop()
        if player.audio is not None:
            player.audio.stop()
        await pc.close()
    return run
