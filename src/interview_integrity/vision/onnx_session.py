"""onnxruntime sessions for the object detectors: one thread each, as the service runs one frame per worker."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort


def one_thread_session(model_path: Path) -> ort.InferenceSession:
    """Sessions are safe to share, but each worker keeps its own so a frame uses one core."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
