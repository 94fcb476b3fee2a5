"""Model sets, one per worker, lent out one frame at a time.

MediaPipe graphs, TFLite interpreters and cv2.dnn nets are not safe to share between threads, so the pool
owns one model set per worker and each frame borrows one for its duration: N worker threads analyse at
once with no lock around the models.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager

from interview_integrity.vision.detectors import embedder, object_detectors
from interview_integrity.vision.faces import FaceDetector
from interview_integrity.vision.landmarks import FaceLandmarker
from interview_integrity.vision.phone.second_look import SecondLook
from interview_integrity.vision.settings import VisionSettings


class ModelSet:
    def __init__(self, settings: VisionSettings) -> None:
        self.landmarker = FaceLandmarker()
        self.faces = FaceDetector(settings, self.landmarker)
        self.objects = object_detectors(settings)
        self.embedder = embedder(settings)
        self.second_look = SecondLook() if settings.second_look and self.objects else None

    def close(self) -> None:
        self.faces.close()


class ModelPool:
    def __init__(self, settings: VisionSettings, size: int) -> None:
        self.sets = [ModelSet(settings) for _ in range(max(1, size))]
        self._free: queue.Queue[ModelSet] = queue.Queue()
        for models in self.sets:
            self._free.put(models)

    @property
    def free(self) -> int:
        """Model sets not lent out now."""
        return self._free.qsize()

    @contextmanager
    def borrow(self) -> Iterator[ModelSet]:
        """A model set for one frame, back in the pool when the block ends, however it ends."""
        models = self._free.get()
        try:
            yield models
        finally:
            self._free.put(models)

    def close(self) -> None:
        for models in self.sets:
            models.close()
