"""How far apart two recorded signals are: the comparisons rules make (no model is needed to compare)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


def embedding_distance(a: list[float] | npt.NDArray[Any], b: list[float] | npt.NDArray[Any]) -> float:
    """Euclidean distance of two face embeddings (dlib's scale: the same person is under about 0.6)."""
    return float(np.linalg.norm(np.asarray(a, np.float32) - np.asarray(b, np.float32)))


def hash_distance(a: str, b: str) -> int:
    """Bits apart of two hex picture hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
