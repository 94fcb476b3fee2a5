"""A recorded file's sound (PyAV, which the WebRTC stack brings): mono 16 kHz samples placed on the clock of
its video frames, and cut into the chunks a live client would send."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from interview_integrity.audio.resample import RATE
from interview_integrity.audio.wav import Pcm
from interview_integrity.vision.arrays import Array

CHUNK_S = 1.0  # what a browser sends: a second of sound, once it has been recorded


@dataclass(frozen=True)
class FileSound:
    samples: Array  # float32, mono, 16 kHz
    start: float  # the first sample's time after the file's first video frame (negative: before it)

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE


def file_sound(path: Path) -> FileSound | None:
    """The file's first sound track, or None when it has none."""
    with av.open(str(path)) as container:
        audio = next((s for s in container.streams if s.type == "audio"), None)
        if audio is None:
            return None
        video = next((s for s in container.streams if s.type == "video"), None)
        origin = 0.0
        if video is not None and video.start_time is not None and video.time_base is not None:
            origin = float(video.start_time * video.time_base)
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        parts: list[Array] = []
        first: float | None = None
        for frame in container.decode(audio):
            if not isinstance(frame, av.AudioFrame):
                continue
            if first is None and frame.time is not None:
                first = float(frame.time)
            parts += [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
        parts += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    if not parts:
        return None
    samples = np.concatenate(parts).astype(np.float32) / 32768.0
    return FileSound(samples, (first or 0.0) - origin)


def chunks(sound: FileSound, seconds: float = CHUNK_S) -> Iterator[tuple[float, Pcm]]:
    """(start on the frames' clock, chunk): sound before the first frame is left out, as a camera's stream
    would start; a last piece shorter than the shortest chunk accepted is dropped."""
    samples, start = sound.samples, sound.start
    if start < 0:
        samples, start = samples[round(-start * RATE) :], 0.0
    size = int(seconds * RATE)
    for offset in range(0, len(samples), size):
        piece = samples[offset : offset + size]
        if len(piece) >= RATE // 10:
            yield round(start + offset / RATE, 6), Pcm(piece, RATE, 1)
