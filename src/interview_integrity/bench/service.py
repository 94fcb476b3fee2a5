"""`make bench`: the service under load, end to end, against the raw analysis time of the same frames.

Starts `interview-integrity serve` on a free loopback port, drives N concurrent sessions at F frames a
second for T seconds (half over the WebSocket, half over REST) with 640x480 JPEG frames from real videos
and, unless `audio` is off, a second of real speech and room sound a second per session (16 kHz mono WAV,
as the JavaScript client sends it: a binary message on the WebSocket, POST .../audio over REST), then
prints end-to-end latency percentiles, achieved frame rate, skipped frames, server CPU and peak RSS, the
CPU the server spent on sound per session (its own `ii_audio_cpu_seconds_total`: decoding, the speech
model, lips beside sound, the voice rules), and the raw single-frame analysis time measured in this run,
with the ratio end-to-end / raw; then which features were on and the mean of each stage of a frame in the
server (its own `ii_frame_stage_seconds`: queue wait, decode, models, rules, store, answer).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import psutil
import websockets

from interview_integrity.bench.vision import percentile
from interview_integrity.config import Settings
from interview_integrity.service.frames import STAGES
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.stream import FrameStream
from interview_integrity.vision.video import sample_frames

VIDEOS = ("vid_webcam_normal.mp4", "vid_webcam_window_backlight.avi", "vid_gaze_center.mp4")
SOUNDS = ("honest/hon_fi_vlog_close_woman.mp4", "honest/hon_webcam_blink_man.mp4")  # speech, then a quiet room


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)  # the results' processing_ms: receipt to answer
    skipped: int = 0
    busy: int = 0
    errors: int = 0
    audio_ms: list[float] = field(default_factory=list)  # a chunk sent -> its answer
    audio_errors: int = 0
    error_codes: dict[str, int] = field(default_factory=dict)


def load_wavs(data_dir: Path) -> list[bytes]:
    """One-second chunks of real sound, 16 kHz mono 16-bit WAV: a talking head's speech, then a quiet room."""
    from interview_integrity.audio.media import chunks, file_sound
    from interview_integrity.audio.wav import encode_wav

    wavs = []
    for name in SOUNDS:
        sound = file_sound(data_dir / name)
        if sound is not None:
            wavs += [encode_wav(pcm.samples, pcm.rate) for _, pcm in chunks(sound) if pcm.seconds >= 1.0]
    return wavs


def load_jpegs(data_dir: Path, count: int = 60) -> list[bytes]:
    """Consecutive frames at 5 fps, as a candidate's webcam sends them: 4 s of each video, in turn."""
    frames: list[bytes] = []
    for name in VIDEOS:
        for _, frame in sample_frames(data_dir / name, fps=5.0):
            resized = cv2.resize(frame, (640, 480), interpolation=cv2.INTER_AREA)
            frames.append(cv2.imencode(".jpg", resized, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes())
            if len(frames) >= count * (VIDEOS.index(name) + 1) // len(VIDEOS):
                break
    return frames


def raw_analysis_ms(frames: list[bytes]) -> float:
    cv2.setNumThreads(1)
    # the service's own settings, environment included, on one thread
    analyzer = FrameAnalyzer(Settings().vision.model_copy(update={"parallel_objects": False}))
    analyzer.warm_up()
    times = []
    stream = FrameStream(analyzer)
    for index, data in enumerate(frames):
        started = time.perf_counter()
        stream.analyze(analyzer.decode(data), index / 5)
        times.append((time.perf_counter() - started) * 1000)
    analyzer.close()
    return float(np.median(times))


async def ws_session(
    url: str, frames: list[bytes], wavs: list[bytes], fps: float, seconds: float, tally: Tally, offset: float
) -> None:
    await asyncio.sleep(offset)
    async with websockets.connect(url.replace("http", "ws") + "/ws/stream", max_size=None) as socket_:
        await socket_.send(json.dumps({"type": "start", "candidate_id": "bench-ws"}))
        while json.loads(await socket_.recv())["type"] != "session":
            pass
        sent: list[float] = []
        heard: list[float] = []
        stop = time.monotonic() + seconds

        async def reader() -> None:
            async for raw in socket_:
                message = json.loads(raw)
                if message["type"] == "audio_result":
                    tally.audio_ms.append((time.monotonic() - heard.pop(0)) * 1000)
                elif message["type"] == "result":
                    tally.latencies_ms.append((time.monotonic() - sent.pop(0)) * 1000)
                    tally.server_ms.append(message["processing_ms"])
                elif message["type"] == "skipped":
                    tally.skipped += 1
                    sent.pop(0)
                elif message["type"] == "error":
                    tally.errors += 1
                    tally.error_codes[message["code"]] = tally.error_codes.get(message["code"], 0) + 1
                elif message["type"] == "report":
                    return

        async def speaker() -> None:
            began, count = time.monotonic(), 0
            while wavs and time.monotonic() < stop:
                await asyncio.sleep(max(0.0, began + count + 1 - time.monotonic()))  # a second once recorded
                heard.append(time.monotonic())
                await socket_.send(wavs[count % len(wavs)])
                count += 1

        reading = asyncio.create_task(reader())
        speaking = asyncio.create_task(speaker())
        index = 0
        while time.monotonic() < stop:
            tick = time.monotonic()
            sent.append(tick)
            await socket_.send(frames[index % len(frames)])
            index += 1
            await asyncio.sleep(max(0.0, tick + 1 / fps - time.monotonic()))
        await speaking
        await socket_.send(json.dumps({"type": "end"}))
        await asyncio.wait_for(reading, timeout=60)


async def rest_speaker(
    client: httpx.AsyncClient, session_id: str, wavs: list[bytes], stop: float, tally: Tally
) -> None:
    began, count = time.monotonic(), 0
    while wavs and time.monotonic() < stop:
        await asyncio.sleep(max(0.0, began + count + 1 - time.monotonic()))
        body = {"audio": base64.b64encode(wavs[count % len(wavs)]).decode()}  # placed by its arrival, as frames are
        started = time.monotonic()
        response = await client.post(f"/sessions/{session_id}/audio", json=body)
        if response.status_code == 200:
            tally.audio_ms.append((time.monotonic() - started) * 1000)
        else:
            tally.audio_errors += 1
        count += 1


async def rest_session(
    client: httpx.AsyncClient, frames: list[bytes], wavs: list[bytes], fps: float, seconds: float, tally: Tally,
    offset: float,
) -> None:  # fmt: skip
    await asyncio.sleep(offset)
    session_id = (await client.post("/start-session", json={"candidate_id": "bench-rest"})).json()["session_id"]
    stop = time.monotonic() + seconds
    speaking = asyncio.create_task(rest_speaker(client, session_id, wavs, stop, tally))
    index = 0
    while time.monotonic() < stop:
        started = time.monotonic()
        files = {"frame": ("f.jpg", frames[index % len(frames)], "image/jpeg")}
        response = await client.post("/analyze-frame", data={"session_id": session_id}, files=files)
        if response.status_code == 200:
            tally.latencies_ms.append((time.monotonic() - started) * 1000)
            tally.server_ms.append(response.json()["processing_ms"])
        elif response.status_code == 503:
            tally.busy += 1
        else:
            tally.errors += 1
        index += 1
        await asyncio.sleep(max(0.0, started + 1 / fps - time.monotonic()))
    await speaking
    await client.post("/end-session", json={"session_id": session_id})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _drive(url: str, frames: list[bytes], wavs: list[bytes], sessions: int, fps: float, seconds: float) -> Tally:
    tally = Tally()
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        # candidates are not synchronised: sessions start spread over one frame interval
        offsets = [i / (sessions * fps) for i in range(sessions)]
        jobs = [
            ws_session(url, frames, wavs, fps, seconds, tally, offsets[i])
            if i % 2 == 0
            else rest_session(client, frames, wavs, fps, seconds, tally, offsets[i])
            for i in range(sessions)
        ]
        await asyncio.gather(*jobs)
    return tally


@contextmanager
def served(env: dict[str, str] | None = None) -> Iterator[tuple[str, psutil.Process]]:
    """`interview-integrity serve` on a free loopback port, ready, with no rate limit; its URL and process."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "interview_integrity.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, "LOG_LEVEL": "WARNING", "RATE_LIMIT_PER_MINUTE": "0", **(env or {})},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(url + "/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the service did not become ready")
            time.sleep(0.3)
        yield url, psutil.Process(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


Totals = dict[str, tuple[float, float]]  # stage -> (seconds, frames) so far


def stage_totals(url: str) -> Totals:
    """The server's own count of where frames' time went so far (Prometheus)."""
    return parse_stage_totals(httpx.get(url + "/metrics", timeout=10).text)


def parse_stage_totals(metrics: str) -> Totals:
    totals: dict[str, list[float]] = {}
    for line in metrics.splitlines():
        for suffix, slot in (("_sum", 0), ("_count", 1)):
            prefix = f'ii_frame_stage_seconds{suffix}{{stage="'
            if line.startswith(prefix):
                stage = line[len(prefix) : line.index('"', len(prefix))]
                totals.setdefault(stage, [0.0, 0.0])[slot] = float(line.rsplit(" ", 1)[1])
    return {stage: (values[0], values[1]) for stage, values in totals.items()}


def stage_means(before: Totals, after: Totals) -> str:
    """The mean of each stage over the frames analysed between two counts."""
    parts = []
    for stage in STAGES:
        seconds = after.get(stage, (0.0, 0.0))[0] - before.get(stage, (0.0, 0.0))[0]
        frames = after.get(stage, (0.0, 0.0))[1] - before.get(stage, (0.0, 0.0))[1]
        parts.append(f"{stage} {1000 * seconds / frames:.1f}" if frames else f"{stage} -")
    return "mean ms a frame in the server: " + ", ".join(parts)


def features(url: str, sound: bool) -> str:
    return features_line(httpx.get(url + "/ready", timeout=10).json(), sound)


def features_line(ready: dict[str, Any], sound: bool) -> str:
    """What was on, from the server's /ready and the load's own sound."""
    on = [f"detectors {'+'.join(ready.get('detectors', [])) or 'none'}"]
    on += ["identity check" if ready.get("identity_check") else "no identity check"]
    on += ["sound" if sound else "no sound"]
    return "features on: " + ", ".join(on)


def audio_cpu_seconds(url: str) -> float:
    """The server's own count of the CPU it spent on sound (Prometheus)."""
    for line in httpx.get(url + "/metrics", timeout=10).text.splitlines():
        if line.startswith("ii_audio_cpu_seconds_total "):
            return float(line.split()[1])
    return 0.0


def run(
    data_dir: Path, sessions: int, fps: float, seconds: float, url: str | None = None, audio: bool = True
) -> list[str]:
    frames = load_jpegs(data_dir)
    wavs = load_wavs(data_dir) if audio else []
    if url:
        audio_before, wall_before, stages_before = audio_cpu_seconds(url), time.monotonic(), stage_totals(url)
        tally = asyncio.run(_drive(url, frames, wavs, sessions, fps, seconds))
        audio_share = (audio_cpu_seconds(url) - audio_before) / (time.monotonic() - wall_before)
        where = [features(url, bool(wavs)), stage_means(stages_before, stage_totals(url))]
        return _report(tally, frames, sessions, fps, seconds, None, audio_share if wavs else None) + where
    with served() as (url, process):
        cpu_before, wall_before = cpu_seconds(process), time.monotonic()
        audio_before, stages_before = audio_cpu_seconds(url), stage_totals(url)
        tally = asyncio.run(_drive(url, frames, wavs, sessions, fps, seconds))
        wall = time.monotonic() - wall_before
        cpu_share = (cpu_seconds(process) - cpu_before) / wall
        audio_share = (audio_cpu_seconds(url) - audio_before) / wall
        peak_rss_mb = peak_rss(process.pid)
        where = [features(url, bool(wavs)), stage_means(stages_before, stage_totals(url))]
    report = _report(tally, frames, sessions, fps, seconds, (cpu_share, peak_rss_mb), audio_share if wavs else None)
    return report + where


def _report(
    tally: Tally, frames: list[bytes], sessions: int, fps: float, seconds: float, server: tuple[float, float] | None,
    audio_share: float | None,
) -> list[str]:  # fmt: skip
    raw = raw_analysis_ms(frames)
    lat = tally.latencies_ms
    sent = len(lat) + tally.skipped + tally.busy
    p50, p95, p99 = (percentile(lat, q) for q in (50, 95, 99))
    return [
        f"load: {sessions} sessions x {fps:g} fps for {seconds:g} s (half WebSocket, half REST), 640x480 JPEG, "
        f"{os.cpu_count()} cores",
        f"frames sent {sent}, analysed {len(lat)}, skipped (WebSocket) {tally.skipped}, 503 busy (REST) {tally.busy}, "
        f"errors {tally.errors} {tally.error_codes or ''}",
        f"achieved {len(lat) / seconds:.1f} analysed frames/s of {sessions * fps:g} offered",
        f"end-to-end latency ms: p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}",
        f"of which in the server (results' processing_ms): p50 {percentile(tally.server_ms, 50):.1f}  "
        f"p95 {percentile(tally.server_ms, 95):.1f}",
        f"raw analysis of one frame (same frames, one thread, this run): p50 {raw:.1f} ms; "
        f"end-to-end p50 / raw = {p50 / raw:.2f}",
        f"server CPU {server[0] * 100:.0f}% of one core; peak RSS {server[1]:.0f} MB"
        if server
        else "server CPU and RSS: not measured (an external server, --url)",
        f"sound: {len(tally.audio_ms)} one-second chunks answered, {tally.audio_errors} refused; answer p50 "
        f"{percentile(tally.audio_ms, 50):.1f} ms, p95 {percentile(tally.audio_ms, 95):.1f} ms; the server's CPU on "
        f"sound {audio_share * 100:.2f}% of one core in all = {audio_share * 100 / sessions:.3f}% of a core per session"
        if audio_share is not None
        else "sound: off (--no-audio)",
    ]


def peak_rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
