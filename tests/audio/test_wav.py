"""WAV chunks in: what is accepted, and a clear account of everything that is not."""

from __future__ import annotations

import base64
import struct

import numpy as np
import pytest

from interview_integrity.audio.wav import AudioError, decode_base64, decode_wav, encode_wav
from tests.audio.sounds import speech


def wav(samples: np.ndarray, rate: int = 16_000, channels: int = 1, bits: int = 16, tag: int = 1) -> bytes:
    body = samples.astype("<i2").tobytes() if bits == 16 else bytes(len(samples) * bits // 8)
    align = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * align, align, bits)
    return (
        b"RIFF"
        + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(body))
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", len(body))
        + body
    )


def test_a_real_chunk_round_trips() -> None:
    second = speech()[:16_000]
    pcm = decode_wav(encode_wav(second, 16_000))
    assert pcm.rate == 16_000 and pcm.channels == 1 and pcm.seconds == pytest.approx(1.0)
    assert np.abs(pcm.samples - second).max() < 1e-4


def test_stereo_is_averaged_and_every_rate_from_8_to_48_khz_is_taken() -> None:
    left = (speech()[:8_000] * 32767).astype(np.int16)
    stereo = np.stack([left, np.zeros_like(left)], axis=1).reshape(-1)
    pcm = decode_wav(wav(stereo, 8_000, channels=2))
    assert pcm.channels == 2 and pcm.seconds == pytest.approx(1.0)
    assert np.allclose(pcm.samples, left / 32768 / 2, atol=1e-4)
    for rate in (8_000, 11_025, 22_050, 44_100, 48_000):
        assert decode_wav(wav(np.zeros(rate // 2, np.int16), rate)).rate == rate


def test_extensible_pcm_and_other_chunks_are_read() -> None:
    samples = np.arange(1_600, dtype=np.int16)
    fmt = struct.pack("<HHIIHHHHI", 0xFFFE, 1, 16_000, 32_000, 2, 16, 22, 16, 4) + (
        b"\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
    )
    body = samples.tobytes()
    data = (
        b"RIFF" + struct.pack("<I", 0) + b"WAVE" + b"LIST" + struct.pack("<I", 3) + b"abc\x00"
        + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(body)) + body
    )  # fmt: skip
    assert decode_wav(data).samples[5] == pytest.approx(5 / 32768)


@pytest.mark.parametrize(
    ("data", "code", "says"),
    [
        (b"not a wav at all", "invalid_audio", "not a WAV file"),
        (wav(np.zeros(1_600, np.int16))[:-100], "invalid_audio", "cut short"),
        (wav(np.zeros(1_600, np.int16), bits=24), "unsupported_audio", "24-bit"),
        (wav(np.zeros(1_600, np.int16), bits=8), "unsupported_audio", "8-bit"),
        (wav(np.zeros(1_600, np.int16), tag=3), "unsupported_audio", "format 0x0003"),
        (wav(np.zeros(4_800, np.int16), channels=3), "unsupported_audio", "3 channels"),
        (wav(np.zeros(96_000, np.int16), rate=96_000), "unsupported_audio", "96000 Hz"),
        (wav(np.zeros(400, np.int16), rate=4_000), "unsupported_audio", "4000 Hz"),
        (wav(np.zeros(1_599, np.int16)), "audio_length", "0.100 s"),
        (wav(np.zeros(16_000 * 10 + 16, np.int16)), "audio_length", "10.001 s"),
        (wav(np.zeros(0, np.int16)), "audio_length", "0.000 s"),
    ],
)
def test_what_is_refused_says_why(data: bytes, code: str, says: str) -> None:
    with pytest.raises(AudioError) as refused:
        decode_wav(data)
    assert refused.value.code == code and says in str(refused.value)


def test_a_chunk_of_half_sample_frames_is_refused() -> None:
    data = bytearray(wav(np.zeros(3_200, np.int16), channels=2))
    data[40:44] = struct.pack("<I", 6_398)  # the data chunk now ends half way through a stereo frame
    with pytest.raises(AudioError, match="whole number of 4-byte sample frames"):
        decode_wav(bytes(data[:-2]))


def test_base64_and_data_urls() -> None:
    data = wav(np.zeros(1_600, np.int16))
    text = base64.b64encode(data).decode()
    assert decode_base64(text) == data
    assert decode_base64("data:audio/wav;base64," + text) == data
    with pytest.raises(AudioError, match="not valid base64"):
        decode_base64("%%%")
    with pytest.raises(AudioError, match="must be base64"):
        decode_base64("data:audio/wav," + text)
