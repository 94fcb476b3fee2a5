"""Any accepted rate down (or up) to the model's 16 kHz: speech-band tones kept, what cannot be kept removed."""

from __future__ import annotations

import numpy as np
import pytest

from interview_integrity.audio.resample import RATE, to_16k


def tone(hz: float, rate: int, seconds: float = 1.0) -> np.ndarray:
    return np.sin(2 * np.pi * hz * np.arange(int(rate * seconds)) / rate).astype(np.float32)


def peak_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * RATE / len(samples))


@pytest.mark.parametrize("rate", [8_000, 11_025, 22_050, 32_000, 44_100, 48_000])
def test_a_speech_band_tone_keeps_its_pitch_and_level(rate: int) -> None:
    out = to_16k(tone(1_000, rate), rate)
    assert len(out) == RATE
    assert peak_hz(out) == pytest.approx(1_000, abs=2)
    assert float(np.sqrt(np.mean(out[500:-500] ** 2))) == pytest.approx(np.sqrt(0.5), rel=0.05)


def test_what_16_khz_cannot_hold_is_filtered_out_not_folded_into_the_speech_band() -> None:
    # 12 kHz at 48 kHz would fold onto 4 kHz, right in the speech band, without the low-pass
    out = to_16k(tone(12_000, 48_000), 48_000)
    assert float(np.sqrt(np.mean(out[500:-500] ** 2))) < 0.01


def test_16_khz_is_left_as_it_is() -> None:
    samples = tone(440, RATE)
    assert np.array_equal(to_16k(samples, RATE), samples)
