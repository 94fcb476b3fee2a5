"""The phone second look: our small classifier says how surely each candidate's crop holds a phone.

Trained by `interview-integrity train-verifier` (training/verifier/, docs/MODELS.md "The second look"): a
cut MobileNetV2 and a small head, in the package as `phone_verifier.onnx`, float32 (its weights stored as
float16). Every candidate of a frame is cropped from the ORIGINAL frame with context (crop.py) and all crops go
through the network in one batch. Which scores make a phone is second_look.py's decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.model_files import verified
from interview_integrity.vision.onnx_session import one_thread_session
from interview_integrity.vision.phone.candidates import Candidate
from interview_integrity.vision.phone.crop import SIZE, crops

MODEL_FILE = "phone_verifier.onnx"
PACKAGED = Path(__file__).with_name(MODEL_FILE)
INPUT, OUTPUT = "Preprocessor/sub", "phone"


def to_input(crops_bgr: Array) -> Array:
    """(N, S, S, 3) BGR uint8 crops as the network's input: (N, 3, S, S) RGB float in [-1, 1]."""
    rgb = crops_bgr[..., ::-1].astype(np.float32) * (2.0 / 255.0) - 1.0
    tensor: Array = np.ascontiguousarray(rgb.transpose(0, 3, 1, 2))
    return tensor


class Verifier:
    """Not thread-safe by design (one onnxruntime session on one thread): one per worker."""

    def __init__(self, model_path: Path, size: int = SIZE) -> None:
        self._session = one_thread_session(model_path)
        self._size = size

    @property
    def size(self) -> int:
        """The side of the crops it takes."""
        return self._size

    @classmethod
    def packaged(cls) -> Verifier:
        """The verifier shipped in the package, once its sha256 is the pinned one."""
        return cls(verified(PACKAGED))

    def scores(self, crops_bgr: Array) -> Array:
        """Phone probabilities of (N, S, S, 3) BGR crops, in one batch."""
        if not len(crops_bgr):
            return np.zeros(0, np.float32)
        (out,) = self._session.run([OUTPUT], {INPUT: to_input(crops_bgr)})
        scores: Array = out[:, 0]
        return scores

    def verify(self, bgr: Array, candidates: Sequence[Candidate]) -> list[float]:
        """How surely each candidate holds a phone (0-1), in the candidates' order; `bgr` is the original frame."""
        return [float(s) for s in self.scores(crops(bgr, candidates, self._size))]
