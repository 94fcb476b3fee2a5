"""`interview-integrity bench-transports`: one video sent as a WebSocket of JPEG frames and as a WebRTC
track, at the same analysis rate, to a real server on loopback: bytes on the wire, server CPU per analysed
frame, latency from a frame leaving the client to its result, and the raw analysis time of the same frames
in the same run (so the ratios hold on a noisy machine)."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import websockets

from interview_integrity.bench.service import cpu_seconds, raw_analysis_ms, served
from interview_integrity.bench.vision import percentile
from interview_integrity.client import AsyncInterviewClient
from interview_integrity.client.webrtc import stream_webrtc
from interview_integrity.vision.video import sample_frames

VIDEO = "vid_two_faces_books.mp4"
JPEG_QUALITY = 85  # the JS client's canvas quality


@dataclass
class TransportRun:
    name: str
    analysed: int = 0
    skipped: int = 0
    bytes_sent: int = 0
    seconds: float = 0.0
    server_cpu_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    verdict: str = ""

    def line(self, raw_ms: float) -> str:
        p50, p95 = percentile(self.latencies_ms, 50), percentile(self.latencies_ms, 95)
        per_frame = self.server_cpu_s * 1000 / self.analysed if self.analysed else float("nan")
        return (
            f"{self.name:9} analysed {self.analysed:3d} skipped {self.skipped:2d}  "
            f"sent {self.bytes_sent / 1024:7.0f} KiB = {self.bytes_sent * 8 / 1000 / self.seconds:6.0f} kbit/s  "
            f"server CPU {per_frame:5.1f} ms/analysed frame ({per_frame / raw_ms:.2f}x raw)  "
            f"latency p50 {p50:5.0f} ms p95 {p95:5.0f} ms  verdict {self.verdict}"
        )


def _jpeg_frames(path: Path, fps: float) -> list[tuple[float, bytes]]:
    return [
        (t, cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])[1].tobytes())
        for t, frame in sample_frames(path, fps=fps)
    ]


async def _websocket(url: str, frames: list[tuple[float, bytes]], fps: float) -> TransportRun:
    run = TransportRun("websocket")
    async with websockets.connect(url.replace("http", "ws") + "/ws/stream", max_size=None) as socket_:
        await socket_.send(json.dumps({"type": "start", "candidate_id": "bench-transports"}))
        while json.loads(await socket_.recv())["type"] != "session":
            pass
        sent: list[float] = []  # answered in order: a result or a skip for every frame
        started = time.monotonic()

        async def reader() -> None:
            async for raw in socket_:
                message = json.loads(raw)
                if message["type"] == "result":
                    run.analysed += 1
                    run.latencies_ms.append((time.monotonic() - sent.pop(0)) * 1000)
                elif message["type"] == "skipped":
                    run.skipped = int(message["skipped_total"])
                    sent.pop(0)
                elif message["type"] == "report":
                    run.verdict = message["report"]["verdict"]
                    return

        reading = asyncio.create_task(reader())
        for t, data in frames:
            await asyncio.sleep(max(0.0, started + t - time.monotonic()))  # at the video's own pace
            sent.append(time.monotonic())
            await socket_.send(data)  # binary, as the JS client sends them
            run.bytes_sent += len(data)
        run.seconds = time.monotonic() - started
        await asyncio.sleep(1.0)
        await socket_.send(json.dumps({"type": "end"}))
        await asyncio.wait_for(reading, timeout=60)
    return run


async def _webrtc(url: str, video: Path, fps: float) -> TransportRun:
    async with AsyncInterviewClient(url) as client:
        session_id = await client.start_session("bench-transports")
        result = await stream_webrtc(client, session_id, video, fps=fps)
    return TransportRun(
        "webrtc",
        analysed=len(result.results),
        skipped=result.skipped,
        bytes_sent=result.bytes_sent,
        seconds=result.seconds,
        latencies_ms=result.latencies_ms,
        verdict=str((result.report or {}).get("verdict", "")),
    )


def run(data_dir: Path, fps: float = 5.0) -> list[str]:
    video = data_dir / VIDEO
    frames = _jpeg_frames(video, fps)
    lines = [f"{video.name}: {len(frames)} frames at {fps:g} fps of video time, JPEG quality {JPEG_QUALITY}"]
    runs = []
    with served() as (url, process):
        for name in ("websocket", "webrtc"):
            before = cpu_seconds(process)
            done = asyncio.run(_websocket(url, frames, fps) if name == "websocket" else _webrtc(url, video, fps))
            done.server_cpu_s = cpu_seconds(process) - before
            runs.append(done)
    raw = raw_analysis_ms([data for _, data in frames])
    lines += [r.line(raw) for r in runs]
    lines.append(f"raw analysis of one frame (same frames, one thread, this run): p50 {raw:.1f} ms")
    return lines
