"""`make bench-vision`: per-stage latency of the frame analyzer on 640x480 frames from real videos."""

from __future__ import annotations

import resource
import statistics
import time
from pathlib import Path

import cv2
import numpy as np

from interview_integrity.config import Settings
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.stream import FrameStream
from interview_integrity.vision.video import sample_frames

DEFAULT_VIDEOS = ("vid_webcam_normal.mp4", "vid_webcam_window_backlight.avi", "vid_gaze_center.mp4")
STREAM_FPS = 5.0


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def load_frames(data_dir: Path, per_video: int = 40) -> list[Array]:
    """8 s of each video at 5 fps: consecutive frames of a stream, as the service receives them."""
    frames = []
    for name in DEFAULT_VIDEOS:
        path = data_dir / name
        if not path.exists():
            continue
        for _, frame in sample_frames(path, fps=STREAM_FPS):
            frames.append(cv2.resize(frame, (640, 480), interpolation=cv2.INTER_AREA))
            if len(frames) % per_video == 0:
                break
    if not frames:
        raise SystemExit(f"no benchmark videos found in {data_dir}")
    return frames


def run(data_dir: Path, rounds: int = 2) -> list[str]:
    cv2.setNumThreads(1)  # the target is one core per frame; the service runs one frame per worker
    # the service's own settings, environment included, on one thread (the 2-thread line last: it runs the
    # costliest object detector on a second thread, as the service does)
    settings = Settings().vision
    analyzer = FrameAnalyzer(settings.model_copy(update={"parallel_objects": False}))
    analyzer.warm_up()
    frames = load_frames(data_dir)
    stages: dict[str, list[float]] = {}
    searched: list[float] = []  # frames without objects whose faces are searched for with both detectors
    followed: list[float] = []  # frames without objects whose faces are followed from the last frame
    stream_without_objects: list[float] = []  # as scheduled: followed, and searched once a second
    without_ssdlite: list[float] = []  # the whole frame less SSDLite's time: issue 2's stages, YOLO alone
    stream: list[float] = []
    identity_per_frame: list[float] = []  # the embedding's time on every stream frame (0 where it did not run)
    decode_ms: list[float] = []
    two_threads: list[float] = []  # every detector, the costliest beside the face models
    stream_frames = FrameStream(analyzer)
    for round_ in range(rounds):
        for index, frame in enumerate(frames):
            encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()
            tick = time.perf_counter()
            image = cv2.imdecode(np.frombuffer(encoded, np.uint8), cv2.IMREAD_COLOR)
            decode_ms.append((time.perf_counter() - tick) * 1000)
            # a still runs every detector
            still = analyzer.analyze(image, 0.0).timings_ms
            for stage, ms in still.items():
                stages.setdefault(stage, []).append(ms)
            if "ssdlite" in still:
                without_ssdlite.append(still["total"] - still["ssdlite"])
            # a frame of a stream that skips object detection, with nothing to follow
            searched.append(analyzer.analyze(image, 0.0, detect="none").timings_ms["total"])
            # the default schedule over a 5 fps stream: objects every 0.6 s, YOLO every 1.8 s, faces followed
            # and searched every second
            signals = stream_frames.analyze(image, (round_ * len(frames) + index) / STREAM_FPS)
            stream.append(signals.timings_ms["total"])
            identity_per_frame.append(signals.timings_ms.get("identity", 0.0))
            if not signals.objects_analyzed:
                stream_without_objects.append(signals.timings_ms["total"])
                if signals.faces.followed:
                    followed.append(signals.timings_ms["total"])
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    analyzer.close()
    beside = FrameAnalyzer(settings.model_copy(update={"parallel_objects": True}))
    beside.warm_up()
    for frame in frames:
        two_threads.append(beside.analyze(frame, 0.0).timings_ms["total"])
    beside.close()
    lines = [
        f"frames: {len(frames)} x {rounds} rounds, 640x480, 1 thread; detectors {'+'.join(analyzer.detector_names)}, "
        f"objects every {settings.object_interval_s:g} s, the costly ones every {settings.heavy_interval_s:g} s "
        f"of a {STREAM_FPS:g} fps stream; faces followed: {settings.follow_faces}, "
        f"searched every {settings.face_search_every_s:g} s",
        f"{'stage':<32}{'p50 ms':>10}{'p95 ms':>10}",
    ]
    lines.append(f"{'jpeg decode':<32}{percentile(decode_ms, 50):>10.2f}{percentile(decode_ms, 95):>10.2f}")
    for stage, values in stages.items():
        name = "whole frame, every detector" if stage == "total" else stage
        lines.append(f"{name:<32}{percentile(values, 50):>10.2f}{percentile(values, 95):>10.2f}")
    name = "  the same, 2 threads"
    lines.append(f"{name:<32}{percentile(two_threads, 50):>10.2f}{percentile(two_threads, 95):>10.2f}")
    for name, values in (
        ("  the same less SSDLite", without_ssdlite),
        ("frame without objects, searched", searched),
        ("frame without objects, followed", followed),
        ("frame without objects, stream", stream_without_objects),
    ):
        if values:
            lines.append(f"{name:<32}{percentile(values, 50):>10.2f}{percentile(values, 95):>10.2f}")
    name, mean = "stream, default schedule", statistics.fmean(stream)
    lines.append(f"{name:<32}{percentile(stream, 50):>10.2f}{percentile(stream, 95):>10.2f}  (mean {mean:.1f})")
    embedded = [ms for ms in identity_per_frame if ms > 0]
    if embedded:
        lines.append(
            f"{'  identity embedding, when run':<32}{percentile(embedded, 50):>10.2f}{percentile(embedded, 95):>10.2f}"
            f"  ({len(embedded)} of {len(identity_per_frame)} stream frames; "
            f"{statistics.fmean(identity_per_frame):.2f} ms per frame averaged over the stream)"
        )
    lines.append(f"frames per second on one core: {1000 / statistics.fmean(stream):.1f} (stream), "
                 f"{1000 / statistics.median(stages['total']):.1f} (stills)")  # fmt: skip
    lines.append(f"peak RSS: {peak_rss_mb:.0f} MB")
    return lines
