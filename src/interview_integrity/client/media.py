"""A recorded video's frames and sound, in the order a live client sends them: a frame when it is taken
(JPEG), a second of sound once it has been recorded (a 16-bit PCM WAV of the file's own rate, mono).
For `send_video`, the REST form of what `stream_webrtc` does with a file."""

from __future__ import annotations

import heapq
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

CHUNK_S = 1.0


@dataclass(frozen=True)
class Item:
    kind: Literal["frame", "audio"]
    timestamp: float  # the frame's time, or the chunk's first sample, after the file's first video frame
    data: bytes  # JPEG or WAV

    @property
    def sent_at(self) -> float:
        """When a live client would send it."""
        return self.timestamp + (_wav_seconds(self.data) if self.kind == "audio" else 0.0)


def wav_bytes(samples: Any, rate: int) -> bytes:
    """Mono 16-bit samples (a numpy int16 array) as a WAV file."""
    body = bytes(samples.astype("<i2").tobytes())
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(body), b"WAVE", b"fmt ", 16, 1, 1, rate, rate * 2,
                         2, 16, b"data", len(body))  # fmt: skip
    return header + body


def _wav_seconds(data: bytes) -> float:
    rate = int(struct.unpack_from("<I", data, 24)[0])
    return (len(data) - 44) / (2 * rate)


def frames(path: Path, fps: float) -> Iterator[Item]:
    import cv2

    from interview_integrity.client.calls import jpeg_from_array

    capture = cv2.VideoCapture(str(path))
    capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    native = float(capture.get(cv2.CAP_PROP_FPS)) or 25.0
    index, due = 0, 0.0
    try:
        while capture.grab():
            timestamp = index / native
            index += 1
            if timestamp + 1e-6 < due:
                continue
            ok, image = capture.retrieve()
            if not ok:
                break
            due += 1.0 / fps
            yield Item("frame", round(timestamp, 6), jpeg_from_array(image))
    finally:
        capture.release()


def sound(path: Path, seconds: float = CHUNK_S) -> Iterator[Item]:
    """The file's sound in chunks, mono at its own rate; none when it has no sound track."""
    import av
    import numpy as np

    with av.open(str(path)) as container:
        audio = next((s for s in container.streams.audio), None)
        if audio is None:
            return
        video = next((s for s in container.streams if s.type == "video"), None)
        origin = 0.0
        if video is not None and video.start_time is not None and video.time_base is not None:
            origin = float(video.start_time * video.time_base)
        rate = min(48_000, max(8_000, audio.rate or 48_000))
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        first: float | None = None
        pieces: list[Any] = []
        for frame in container.decode(audio):
            if isinstance(frame, av.AudioFrame):
                first = float(frame.time) if first is None and frame.time is not None else first
                pieces += [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
        pieces += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    if not pieces:
        return
    samples, start = np.concatenate(pieces).astype(np.int16), (first or 0.0) - origin
    if start < 0:
        samples, start = samples[round(-start * rate) :], 0.0
    size = int(seconds * rate)
    for offset in range(0, len(samples), size):
        piece = samples[offset : offset + size]
        if len(piece) >= rate // 10:
            yield Item("audio", round(start + offset / rate, 6), wav_bytes(piece, rate))


def video_items(path: Path, fps: float, with_sound: bool) -> Iterator[Item]:
    """Frames at `fps` and, with `with_sound`, the sound, in the order they would be sent live."""
    streams = [frames(path, fps), sound(path)] if with_sound else [frames(path, fps)]
    return heapq.merge(*streams, key=lambda item: (item.sent_at, item.kind == "audio"))
