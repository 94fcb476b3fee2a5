"""Speech activity: Silero VAD's ONNX model (MIT, from the `silero-vad` wheel), run with onnxruntime.

Why Silero and not WebRTC's VAD (scripts/measure/vad_choice.py, docs/MODELS.md "Speech"): on real speech mixed
with real room noise from the dev clips, both find the speech, but WebRTC's calls the room noise alone speech
(up to every step of it at -20 dBFS, mode 3), and a noisy room would then be a voice; Silero called none of
it speech. It costs about 4 ms of one core per second of audio.

The package itself imports PyTorch; it is installed without its dependencies and never imported: the model
file is read from its folder, sha256-checked like every model file. The `sequence` export runs a whole chunk
in one call (frames of 512 samples at 16 kHz, each with the 64 samples before it) and hands back its
recurrent state, so a session's chunks continue one another as one stream would.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.model_files import package_dir, verified
from interview_integrity.vision.onnx_session import one_thread_session

MODEL_FILE = "silero_vad_16k_sequence.onnx"
FRAME = 512  # samples at 16 kHz: 32 ms
CONTEXT = 64  # samples of the frame before, which the model sees with each frame
_STATE = 128
THRESHOLD = 0.5  # the model's own operating point: a frame at or above it is speech


def speech_model_file() -> Path:
    return verified(package_dir("silero_vad") / "data" / MODEL_FILE)


@dataclass(frozen=True)
class ModelState:
    """The recurrent memory after a frame, and that frame's last samples (the next frame's context, within a
    chunk only: between chunks a session keeps the memory, never samples; encode() leaves them out)."""

    hidden: Array  # (1, 1, 128) float32
    cell: Array  # (1, 1, 128) float32
    context: Array  # (64,) float32

    @classmethod
    def fresh(cls) -> ModelState:
        zeros = np.zeros((1, 1, _STATE), np.float32)
        return cls(zeros, zeros.copy(), np.zeros(CONTEXT, np.float32))

    def encode(self) -> str:
        packed = np.concatenate([self.hidden.ravel(), self.cell.ravel()]).astype("<f4")
        return base64.b64encode(packed.tobytes()).decode()

    @classmethod
    def decode(cls, text: str | None) -> ModelState:
        if not text:
            return cls.fresh()
        packed = np.frombuffer(base64.b64decode(text), dtype="<f4").astype(np.float32)
        if packed.size != 2 * _STATE:
            return cls.fresh()
        hidden, cell = packed[:_STATE].reshape(1, 1, _STATE), packed[_STATE:].reshape(1, 1, _STATE)
        return cls(hidden, cell, np.zeros(CONTEXT, np.float32))


class SpeechModel:
    """One onnxruntime session (its `run` is safe to call from several threads at once)."""

    def __init__(self) -> None:
        self._session = one_thread_session(speech_model_file())

    def probabilities(self, samples: Array, state: ModelState) -> tuple[Array, ModelState]:
        """Speech probability of each whole 512-sample frame of `samples` (16 kHz, float32; a multiple of 512
        long), and the state after the last one."""
        count = len(samples) // FRAME
        if count == 0:
            return np.zeros(0, np.float32), state
        frames = samples[: count * FRAME].reshape(count, FRAME).astype(np.float32, copy=False)
        contexts = np.empty((count, CONTEXT), np.float32)
        contexts[0] = state.context
        contexts[1:] = frames[:-1, -CONTEXT:]
        probabilities, hidden, cell = self._session.run(
            ["speech_probs", "hn", "cn"],
            {"input": np.concatenate([contexts, frames], axis=1), "h": state.hidden, "c": state.cell},
        )
        return np.asarray(probabilities, np.float32).reshape(-1), ModelState(hidden, cell, frames[-1, -CONTEXT:].copy())
