"""Face detection: MediaPipe BlazeFace, full range plus short range, confirmed by the landmark model.

The full-range model finds small and far faces; the short-range one finds large, close, tilted faces
(a webcam close-up, a head bowed over a desk) that the full-range model misses. Less sure detections are
counted only when the face-landmark model also sees a face: face-like objects (a ball, a handset) are
what a detector alone gets wrong on an empty desk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from interview_integrity.config import VisionSettings
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.blazeface import FULL_RANGE, SHORT_RANGE, BlazeFace, RawDetection
from interview_integrity.vision.landmarks import MESH_CROP_SCALE, FaceLandmarker, LandmarkRun
from interview_integrity.vision.signals import Box, Face

# MediaPipe's short-range graph never reports below 0.5
_SHORT_RANGE_MIN_SCORE = 0.5
# A face is confirmed on two crops: the mesh's own (whose run the mesh then reuses) and a wider one, where
# face-like objects that fill the first crop (a ball, a handset) stop looking like a face.
_WIDE_CONFIRM_SCALE = 1.9


@dataclass(frozen=True)
class DetectedFace:
    face: Face
    roll: float  # radians, from the eye keypoints: the mesh crop is aligned with it
    landmarks: LandmarkRun | None = None  # the mesh-crop run that confirmed an unsure detection


@dataclass(frozen=True)
class FaceCandidate:
    box: Box
    score: float
    right_eye: tuple[float, float]  # the subject's right eye: image-left
    left_eye: tuple[float, float]

    @property
    def roll(self) -> float:
        (x0, y0), (x1, y1) = self.right_eye, self.left_eye
        return math.atan2(y1 - y0, x1 - x0)


class FaceDetector:
    def __init__(self, settings: VisionSettings, landmarker: FaceLandmarker) -> None:
        self._settings = settings
        self._landmarker = landmarker
        self._full = BlazeFace(FULL_RANGE, settings.face_min_score)
        self._short = BlazeFace(SHORT_RANGE, max(settings.face_min_score, _SHORT_RANGE_MIN_SCORE))

    def close(self) -> None:
        """Nothing to release: the interpreters are freed with the detector."""

    def detect(self, rgb: Array) -> list[DetectedFace]:
        """Faces in the frame, largest first."""
        height, width = rgb.shape[:2]
        candidates = self._candidates(self._full.detect(rgb) + self._short.detect(rgb), width, height)
        min_side = self._settings.min_face_size * min(width, height)
        faces: list[DetectedFace] = []
        for candidate in sorted(candidates, key=lambda c: -c.score):
            cx, cy = candidate.box.center
            if max(candidate.box.width, candidate.box.height) < min_side:
                continue
            if any(found.face.box.contains(cx, cy) for found in faces):
                continue  # the same face seen by both models, or a part of an accepted one
            presence, run = None, None
            if candidate.score < self._settings.face_confident_score:
                run = self._run(rgb, candidate, MESH_CROP_SCALE)
                presence = run.presence
                if presence >= self._settings.face_min_presence:
                    presence = min(presence, self._run(rgb, candidate, _WIDE_CONFIRM_SCALE).presence)
                if presence < self._settings.face_min_presence:
                    continue
            face = Face(box=candidate.box, confidence=round(candidate.score, 3), presence=presence)
            faces.append(DetectedFace(face=face, roll=candidate.roll, landmarks=run))
        return sorted(faces, key=lambda f: -(f.face.box.width * f.face.box.height))

    def _run(self, rgb: Array, candidate: FaceCandidate, scale: float) -> LandmarkRun:
        cx, cy = candidate.box.center
        side = max(candidate.box.width, candidate.box.height) * scale
        return self._landmarker.run(rgb, cx, cy, side, candidate.roll)

    @staticmethod
    def _candidates(detections: list[RawDetection], width: int, height: int) -> list[FaceCandidate]:
        return [
            FaceCandidate(
                box=Box(x=d.xmin * width, y=d.ymin * height, width=d.width * width, height=d.height * height),
                score=d.score,
                right_eye=(d.right_eye[0] * width, d.right_eye[1] * height),
                left_eye=(d.left_eye[0] * width, d.left_eye[1] * height),
            )
            for d in detections
        ]
