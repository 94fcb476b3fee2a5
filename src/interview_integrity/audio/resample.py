"""Any accepted rate (8-48 kHz) -> the 16 kHz the speech model was trained on.

Down: a windowed-sinc low-pass below the new Nyquist frequency, then linear interpolation on the new sample
times; up (8-16 kHz): linear interpolation, which adds nothing above the old band. Stateless: a chunk is
resampled on its own, so the same chunk gives the same samples whatever came before it.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from interview_integrity.vision.arrays import Array

RATE = 16_000
_CUTOFF_HZ = 7_200.0  # below the new Nyquist frequency (8 kHz), above the speech band the model uses
_ZERO_CROSSINGS = 8  # taps on each side, in units of the new sample period


@cache
def _low_pass(rate: int) -> Array:
    ratio = rate / RATE
    half = int(np.ceil(_ZERO_CROSSINGS * ratio))
    n = np.arange(-half, half + 1, dtype=np.float64)
    cutoff = _CUTOFF_HZ / rate
    taps = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hanning(len(n) + 2)[1:-1]
    low_pass: Array = (taps / taps.sum()).astype(np.float32)
    return low_pass


def to_16k(samples: Array, rate: int) -> Array:
    if rate == RATE or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    source = np.convolve(samples, _low_pass(rate), mode="same") if rate > RATE else samples
    count = int(len(samples) * RATE // rate)
    positions = np.arange(count, dtype=np.float64) * (rate / RATE)
    return np.interp(positions, np.arange(len(samples)), source).astype(np.float32)
