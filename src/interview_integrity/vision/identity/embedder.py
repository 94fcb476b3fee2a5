"""A face's 128-d embedding: dlib's 5-point alignment to a 150x150 chip, then dlib's face recognition ResNet
(converted to ONNX from face-api.js's port, identity/convert.py: embeddings within 0.04 of dlib's own, and
about 8 ms instead of 110-220 ms on one core). Two faces of one person lie within about 0.6 of each other.
"""

from __future__ import annotations

from pathlib import Path

import dlib
import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.identity.convert import INPUT, OUTPUT, SIZE
from interview_integrity.vision.onnx_session import one_thread_session
from interview_integrity.vision.signals import Box

_MEAN_RGB = np.array([122.782, 117.001, 104.298], np.float32)
_PADDING = 0.25  # dlib's default chip padding, which the network was trained with


class FaceEmbedder:
    """Not thread-safe by design: each worker thread has its own (see FrameAnalyzer)."""

    def __init__(self, model_path: Path, alignment_path: Path) -> None:
        self._session = one_thread_session(model_path)
        self._align = dlib.shape_predictor(str(alignment_path))

    def chip(self, rgb: Array, box: Box) -> Array:
        rect = dlib.rectangle(round(box.x), round(box.y), round(box.x + box.width), round(box.y + box.height))
        shape = self._align(np.ascontiguousarray(rgb), rect)
        chip: Array = np.asarray(dlib.get_face_chip(rgb, shape, size=SIZE, padding=_PADDING))
        return chip

    def embed(self, rgb: Array, box: Box) -> Array:
        tensor = ((self.chip(rgb, box).astype(np.float32) - _MEAN_RGB) / 255.0).transpose(2, 0, 1)[None]
        vector: Array = self._session.run([OUTPUT], {INPUT: tensor})[0][0]
        return vector
