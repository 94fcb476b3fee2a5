"""A WAV chunk's bytes -> mono samples and their rate, or a clear account of what is wrong with it.

Accepted: RIFF/WAVE, PCM 16-bit (plain or WAVE_FORMAT_EXTENSIBLE with a PCM sub-format), one or two
channels, 8-48 kHz, 0.1-10 s. Anything else raises `AudioError` with a stable code and a message that says
what arrived and what was expected; the caller answers 400 and the session is left as it was.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass
from typing import Literal

import numpy as np

from interview_integrity.vision.arrays import Array

MIN_RATE, MAX_RATE = 8_000, 48_000
MIN_SECONDS, MAX_SECONDS = 0.1, 10.0
_PCM, _EXTENSIBLE = 1, 0xFFFE
_PCM_SUBFORMAT = b"\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
_UNKNOWN_SIZE = 0xFFFFFFFF  # a stream writer that did not know the length: the data runs to the end

AudioErrorCode = Literal["invalid_audio", "unsupported_audio", "audio_length"]


class AudioError(ValueError):
    def __init__(self, message: str, code: AudioErrorCode) -> None:
        super().__init__(message)
        self.code: AudioErrorCode = code


@dataclass(frozen=True)
class Pcm:
    samples: Array  # float32, mono, -1..1
    rate: int
    channels: int  # as sent (two are averaged into one)

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def decode_base64(text: str) -> bytes:
    """A base64 string (a `data:audio/wav;base64,` prefix allowed) -> bytes."""
    if text.startswith("data:"):
        head, _, text = text.partition(",")
        if ";base64" not in head:
            raise AudioError("a data URL must be base64 (data:audio/wav;base64,...)", "invalid_audio")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise AudioError("'audio' is not valid base64", "invalid_audio") from None


def _chunks(data: bytes) -> dict[bytes, bytes]:
    found: dict[bytes, bytes] = {}
    offset = 12
    while offset + 8 <= len(data):
        name, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = offset + 8
        if size == _UNKNOWN_SIZE and name == b"data":
            size = len(data) - body
        if body + size > len(data):
            raise AudioError(
                f"the WAV is cut short: its {name.decode('latin-1')!r} chunk declares {size} bytes, "
                f"{len(data) - body} arrived",
                "invalid_audio",
            )
        found.setdefault(name, data[body : body + size])
        offset = body + size + (size & 1)  # chunks are padded to an even length
    return found


def _format(fmt: bytes) -> tuple[int, int, int]:
    """(channels, rate, bits) of a PCM format chunk."""
    if len(fmt) < 16:
        raise AudioError(f"the WAV's fmt chunk is {len(fmt)} bytes, at least 16 expected", "invalid_audio")
    tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == _EXTENSIBLE and len(fmt) >= 40 and fmt[24:40] == _PCM_SUBFORMAT:
        tag = _PCM
    if tag != _PCM:
        raise AudioError(
            f"the WAV holds format {tag:#06x}; only uncompressed PCM (format 1) is accepted", "unsupported_audio"
        )
    if bits != 16:
        raise AudioError(f"the WAV has {bits}-bit samples; 16-bit PCM is expected", "unsupported_audio")
    if channels not in (1, 2):
        raise AudioError(f"the WAV has {channels} channels; mono or stereo is expected", "unsupported_audio")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise AudioError(
            f"the WAV's sample rate is {rate} Hz; {MIN_RATE}-{MAX_RATE} Hz is accepted", "unsupported_audio"
        )
    return channels, rate, bits


def pcm_from_int16(interleaved: Array, rate: int, channels: int) -> Pcm:
    """Interleaved 16-bit samples -> a mono chunk (its length checked as a WAV's is)."""
    frames = interleaved.reshape(-1, channels).astype(np.float32) / 32768.0
    samples = frames.mean(axis=1) if channels > 1 else frames[:, 0]
    pcm = Pcm(np.ascontiguousarray(samples, dtype=np.float32), rate, channels)
    if not MIN_SECONDS <= pcm.seconds <= MAX_SECONDS:
        raise AudioError(
            f"the chunk lasts {pcm.seconds:.3f} s; chunks of {MIN_SECONDS:g}-{MAX_SECONDS:g} s are accepted",
            "audio_length",
        )
    return pcm


def decode_wav(data: bytes) -> Pcm:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioError("the audio is not a WAV file (no RIFF/WAVE header)", "invalid_audio")
    chunks = _chunks(data)
    if b"fmt " not in chunks:
        raise AudioError("the WAV has no fmt chunk", "invalid_audio")
    if b"data" not in chunks:
        raise AudioError("the WAV has no data chunk", "invalid_audio")
    channels, rate, _ = _format(chunks[b"fmt "])
    raw = chunks[b"data"]
    frame_bytes = 2 * channels
    if len(raw) % frame_bytes:
        raise AudioError(
            f"the WAV's data chunk holds {len(raw)} bytes, not a whole number of {frame_bytes}-byte sample frames",
            "invalid_audio",
        )
    return pcm_from_int16(np.frombuffer(raw, dtype="<i2"), rate, channels)


def encode_wav(samples: Array, rate: int) -> bytes:
    """Mono float samples (-1..1) or int16 -> a 16-bit PCM WAV (the clients' and the tests' chunks)."""
    pcm = samples if samples.dtype == np.int16 else (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    body = pcm.astype("<i2").tobytes()
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(body), b"WAVE", b"fmt ", 16, _PCM, 1, rate,
                         rate * 2, 2, 16, b"data", len(body))  # fmt: skip
    return header + body
