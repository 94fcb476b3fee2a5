"""Silero VAD through onnxruntime: real speech is speech, a room's own noise is not, at any loudness; the model
file is the one the service was measured with."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from interview_integrity.audio.listen import listen
from interview_integrity.audio.signals import Listening
from interview_integrity.audio.speech import MODEL_FILE, ModelState, SpeechModel, speech_model_file
from interview_integrity.audio.wav import Pcm
from interview_integrity.vision.model_files import ModelFileError, verified
from tests.audio.sounds import louder, room, speech


@pytest.fixture(scope="module")
def model() -> SpeechModel:
    return SpeechModel()


def speech_share(model: SpeechModel, samples: np.ndarray) -> float:
    steps = listen(model, Listening(), Pcm(samples, 16_000, 1), 0.0).steps
    return sum(s.speech_s / s.heard_s >= 0.5 for s in steps) / len(steps)


def test_a_talking_head_is_speech(model: SpeechModel) -> None:
    assert speech_share(model, speech()) >= 0.85


@pytest.mark.parametrize("dbfs", [-50.0, -30.0, -20.0])
def test_a_rooms_noise_is_not_speech_however_loud(model: SpeechModel, dbfs: float) -> None:
    assert speech_share(model, louder(room(), dbfs)) == 0.0


def test_speech_in_a_loud_room_is_still_speech(model: SpeechModel) -> None:
    voice = speech()
    noisy = voice + louder(np.resize(room(), len(voice)), 20 * np.log10(np.sqrt(np.mean(voice**2))) - 5)
    assert speech_share(model, noisy) >= 0.8  # 5 dB above the room


def test_the_model_runs_a_chunk_in_one_call_and_hands_back_its_memory(model: SpeechModel) -> None:
    probabilities, state = model.probabilities(speech()[:16_384], ModelState.fresh())
    assert probabilities.shape == (32,) and probabilities.max() > 0.9
    again = ModelState.decode(state.encode())
    assert np.array_equal(again.hidden, state.hidden) and np.array_equal(again.cell, state.cell)
    assert len(state.encode()) < 1_500  # 256 floats; no sample is in it


def test_the_model_file_is_checked(tmp_path: Path) -> None:
    assert speech_model_file().name == MODEL_FILE
    copy = tmp_path / MODEL_FILE
    shutil.copy(speech_model_file(), copy)
    with copy.open("r+b") as handle:
        handle.seek(1_000)
        handle.write(b"\x00\x01\x02")
    with pytest.raises(ModelFileError, match="sha256"):
        verified(copy)
