"""A session's chunks continue one another: chunked speech reads as one stream, in time order, and no sample
is kept between chunks."""

from __future__ import annotations

import numpy as np
import pytest

from interview_integrity.audio.listen import AudioOrderError, Listened, listen, steps_of
from interview_integrity.audio.signals import STEP_S, Listening
from interview_integrity.audio.speech import SpeechModel
from interview_integrity.audio.wav import Pcm
from tests.audio.sounds import speech


@pytest.fixture(scope="module")
def model() -> SpeechModel:
    return SpeechModel()


def decisions(chunks: list[Listened]) -> dict[int, bool]:
    heard: dict[int, list[float]] = {}
    for chunk in chunks:
        for step in chunk.steps:
            total = heard.setdefault(step.index, [0.0, 0.0])
            total[0] += step.heard_s
            total[1] += step.speech_s
    return {index: spoken / seen >= 0.5 for index, (seen, spoken) in heard.items()}


@pytest.mark.parametrize("seconds", [0.25, 0.7, 1.0, 2.0])
def test_chunks_read_as_one_stream(model: SpeechModel, seconds: float) -> None:
    samples = speech()
    whole = decisions([listen(model, Listening(), Pcm(samples, 16_000, 1), 0.0)])
    size, state, chunks = int(seconds * 16_000), Listening(), []
    for offset in range(0, len(samples) - 1_600, size):
        chunk = listen(model, state, Pcm(samples[offset : offset + size], 16_000, 1), offset / 16_000)
        state = chunk.listening
        chunks.append(chunk)
    chunked = decisions(chunks)
    agree = np.mean([whole[i] == chunked[i] for i in whole if i in chunked])
    assert agree >= 0.97 and sum(whole.values()) >= 25
    assert state.heard_until == pytest.approx(sum(c.seconds for c in chunks))
    assert set(Listening.model_fields) == {"heard_until", "model_state"}  # nothing of the sound itself


def test_a_chunk_that_starts_before_the_last_ended_is_refused(model: SpeechModel) -> None:
    first = listen(model, Listening(), Pcm(speech()[:16_000], 16_000, 1), 10.0)
    with pytest.raises(AudioOrderError, match="before the session's audio so far ended"):
        listen(model, first.listening, Pcm(speech()[:16_000], 16_000, 1), 10.5)


def test_jitter_continues_and_a_gap_starts_afresh(model: SpeechModel) -> None:
    first = listen(model, Listening(), Pcm(speech()[:16_000], 16_000, 1), 10.0)
    jittered = listen(model, first.listening, Pcm(speech()[16_000:32_000], 16_000, 1), 11.03)
    assert jittered.start == pytest.approx(11.0) and jittered.listening.heard_until == pytest.approx(12.0)
    later = listen(model, jittered.listening, Pcm(speech()[32_000:48_000], 16_000, 1), 15.0)
    assert later.start == 15.0 and min(s.index for s in later.steps) == round(15.0 / STEP_S)


def test_frames_are_spread_over_the_steps_they_overlap() -> None:
    starts = np.array([0.24, 0.272])
    steps = steps_of(starts, np.array([0.032, 0.01]), np.array([0.9, 0.1]))
    assert [(s.index, s.heard_s, s.speech_s) for s in steps] == [(0, 0.01, 0.01), (1, 0.032, 0.022)]
