"""Prometheus metrics, in a registry of the app's own (no process globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.frames = Counter("ii_frames_analyzed_total", "Frames analysed.", registry=self.registry)
        self.resent = Counter(
            "ii_frames_resent_total", "Frames sent again, answered as before.", registry=self.registry
        )
        self.skipped = Counter("ii_frames_skipped_total", "Stale WebSocket frames skipped.", registry=self.registry)
        self.latency = Histogram(
            "ii_frame_latency_seconds",
            "Time to analyse one frame, decoding to result.",
            buckets=(0.01, 0.02, 0.04, 0.07, 0.1, 0.15, 0.25, 0.5, 1, 2, 5),
            registry=self.registry,
        )
        self.stages = Histogram(
            "ii_frame_stage_seconds",
            "Where a frame's time goes in the service: waiting its turn and a worker, decoding, the models, the "
            "rules, the store, writing the answer.",
            ["stage"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.07, 0.1, 0.25, 0.5, 1),
            registry=self.registry,
        )
        self.active_sessions = Gauge("ii_active_sessions", "Active sessions in the store.", registry=self.registry)
        self.events = Counter("ii_events_total", "Events opened, by type.", ["type"], registry=self.registry)
        self.errors = Counter("ii_errors_total", "Error responses, by code.", ["code"], registry=self.registry)
        self.audio_seconds = Counter("ii_audio_seconds_total", "Seconds of audio heard.", registry=self.registry)
        self.audio_cpu = Counter(
            "ii_audio_cpu_seconds_total",
            "CPU time spent on sound: decoding, the speech model, lips beside sound, the voice rules.",
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
