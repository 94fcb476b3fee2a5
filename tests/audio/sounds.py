"""Real sound for the tests: the dev clips' own tracks, mono 16 kHz (a talking head's speech, a quiet room)."""

from __future__ import annotations

from functools import cache

import numpy as np

from interview_integrity.audio.media import file_sound
from interview_integrity.vision.arrays import Array
from tests.conftest import DATA

SPEECH_CLIP = DATA / "honest" / "hon_hdtf_katie.mp4"  # a woman talking to the camera for 8 s
ROOM_CLIP = DATA / "honest" / "hon_webcam_blink_man.mp4"  # a webcam room: fan and hum, nobody speaks


@cache
def speech() -> Array:
    found = file_sound(SPEECH_CLIP)
    assert found is not None
    return found.samples


@cache
def room() -> Array:
    found = file_sound(ROOM_CLIP)
    assert found is not None
    return found.samples


def louder(samples: Array, dbfs: float) -> Array:
    """The samples scaled to an RMS level of `dbfs`."""
    rms = float(np.sqrt(np.mean(samples**2)))
    return (samples * (10 ** (dbfs / 20) / rms)).astype(np.float32)
