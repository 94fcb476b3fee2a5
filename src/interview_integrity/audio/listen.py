"""A session's audio chunk -> per-step speech numbers (signals.Heard), the speech model's place carried on.

Chunks of one session continue one another: a chunk that starts where the last one ended (within
`CONTINUOUS_S`, the jitter of a client's own timing) is analysed as the rest of the same stream, with the
model's recurrent memory carried over (never a sample: a chunk's last part frame is judged padded with
silence), and is placed exactly at the last one's end so no drift builds up. On the dev speech, 0.25-2 s
chunks give the same speech steps as one whole stream. A chunk that starts later begins a new stretch (the
time between is "no audio"); one that starts before the last one ended is refused: audio is heard in time
order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interview_integrity.audio.resample import RATE, to_16k
from interview_integrity.audio.signals import STEP_S, Heard, Listening
from interview_integrity.audio.speech import FRAME, THRESHOLD, ModelState, SpeechModel
from interview_integrity.audio.wav import Pcm
from interview_integrity.vision.arrays import Array

CONTINUOUS_S = 0.05


class AudioOrderError(ValueError):
    """A chunk that starts before the session's audio so far ended."""


@dataclass(frozen=True)
class Listened:
    steps: list[Heard]
    listening: Listening  # the session's place after this chunk
    seconds: float  # the chunk's length
    start: float  # where the chunk was placed on the session clock


def check_order(listening: Listening, start: float) -> None:
    until = listening.heard_until
    if until is not None and start < until - CONTINUOUS_S:
        raise AudioOrderError(
            f"the audio chunk starts at {start:g} s, before the session's audio so far ended ({until:g} s): "
            "send chunks in time order, each starting where the last one ended or later"
        )


def listen(model: SpeechModel, listening: Listening, pcm: Pcm, start: float) -> Listened:
    check_order(listening, start)
    samples = to_16k(pcm.samples, pcm.rate)
    until = listening.heard_until
    continuous = until is not None and abs(start - until) <= CONTINUOUS_S
    if continuous and until is not None:
        start, state = until, ModelState.decode(listening.model_state)
    else:
        state = ModelState.fresh()
    whole = len(samples) // FRAME * FRAME
    probabilities, after = model.probabilities(samples[:whole], state)
    lengths = np.full(len(probabilities), FRAME / RATE)
    if whole < len(samples):
        # the last part frame, padded with silence, is judged but does not move the model's state on: the
        # next chunk continues from the last whole frame, and no sample is kept between chunks
        padded = np.zeros(FRAME, np.float32)
        padded[: len(samples) - whole] = samples[whole:]
        last, _ = model.probabilities(padded, after)
        probabilities = np.concatenate([probabilities, last])
        lengths = np.append(lengths, (len(samples) - whole) / RATE)
    starts = start + np.arange(len(probabilities)) * (FRAME / RATE)
    seconds = len(pcm.samples) / pcm.rate
    kept = Listening(heard_until=round(start + seconds, 6), model_state=after.encode())
    return Listened(steps_of(starts, lengths, probabilities), kept, seconds, start)


def steps_of(starts: Array, lengths: Array, probabilities: Array) -> list[Heard]:
    """Each model frame's time spread over the steps it overlaps: seconds heard, and of them speech."""
    if len(starts) == 0:
        return []
    first = np.floor(starts / STEP_S + 1e-9).astype(np.int64)
    in_first = np.minimum(starts + lengths, (first + 1) * STEP_S) - starts
    in_next = lengths - in_first
    speech = (probabilities >= THRESHOLD).astype(np.float64)
    base = int(first.min())
    size = int(first.max()) - base + 2
    heard = np.bincount(first - base, in_first, size) + np.bincount(first - base + 1, in_next, size)
    spoken = np.bincount(first - base, in_first * speech, size) + np.bincount(first - base + 1, in_next * speech, size)
    return [
        Heard(index=base + i, heard_s=round(float(heard[i]), 4), speech_s=round(float(spoken[i]), 4))
        for i in range(size)
        if heard[i] > 1e-6
    ]
