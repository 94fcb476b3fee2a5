"""Face detection: MediaPipe BlazeFace, full range plus short range, confirmed by the landmark model.

The full-range model finds small and far faces; the short-range one finds large, close, tilted faces
(a webcam close-up, a head bowed over a desk) that the full-range model misses. Less sure detections are
counted only when the face-landmark model also sees a face: face-like objects (a ball, a handset) are
what a detector alone gets wrong on an empty desk.

In a stream, `follow` finds the last frame's faces again with the landmark model at their last place, and
the short-range detector looks for new close faces (vision/tracking.py says when that is trusted).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from interview_integrity.config import VisionSettings
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.blazeface import FULL_RANGE, SHORT_RANGE, BlazeFace, RawDetection
from interview_integrity.vision.landmarks import (
    IMAGE_LEFT_EYE,
    IMAGE_RIGHT_EYE,
    MESH_CROP_SCALE,
    FaceLandmarker,
    LandmarkRun,
)
from interview_integrity.vision.signals import Box, Face, TrackedFace

# MediaPipe's short-range graph never reports below 0.5
_SHORT_RANGE_MIN_SCORE = 0.5
# A face is confirmed on two crops: the mesh's own (whose run the mesh then reuses) and a wider one, where
# face-like objects that fill the first crop (a ball, a handset) stop looking like a face.
_WIDE_CONFIRM_SCALE = 1.9
# A detector's box over the bounding box of the face mesh (width, height) and how far its centre sits below
# the mesh's, in mesh heights: medians of 1,100 frames of the dev and honest videos. A followed face's box
# is drawn the same way, so its size means the same as a detected one's (minimum face size, largest face).
_BOX_OVER_MESH = (1.09, 0.92)
_BOX_DROP = 0.05


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
        return _largest_first(self._accept(rgb, candidates, []))

    def follow(self, rgb: Array, previous: list[TrackedFace]) -> list[DetectedFace] | None:
        """The last frame's faces found again at their last place, plus new faces close to the camera, largest
        first; None when a face followed is not there any more: the whole frame must then be searched."""
        min_side = self._min_side(rgb)
        faces: list[DetectedFace] = []
        for last in previous:
            cx, cy = last.box.center
            side = max(last.box.width, last.box.height) * MESH_CROP_SCALE
            run = self._landmarker.run(rgb, cx, cy, side, last.roll)
            if run.presence < self._settings.face_min_presence:
                return None
            box, roll = landmark_box(run)
            if max(box.width, box.height) < min_side or any(_covers(found, box) for found in faces):
                return None  # too small now, or two faces became one: the detectors decide
            face = Face(box=box, confidence=last.confidence, presence=run.presence)
            faces.append(DetectedFace(face=face, roll=roll, landmarks=run))
        height, width = rgb.shape[:2]
        return _largest_first(self._accept(rgb, self._candidates(self._short.detect(rgb), width, height), faces))

    def _min_side(self, rgb: Array) -> float:
        return self._settings.min_face_size * min(rgb.shape[:2])

    def _accept(self, rgb: Array, candidates: list[FaceCandidate], faces: list[DetectedFace]) -> list[DetectedFace]:
        """`faces` and the candidates that are faces: large enough, not already found, sure or confirmed."""
        min_side = self._min_side(rgb)
        for candidate in sorted(candidates, key=lambda c: -c.score):
            if max(candidate.box.width, candidate.box.height) < min_side:
                continue
            if any(_covers(found, candidate.box) for found in faces):
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
        return faces

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


def _covers(found: DetectedFace, box: Box) -> bool:
    return found.face.box.contains(*box.center)


def _largest_first(faces: list[DetectedFace]) -> list[DetectedFace]:
    return sorted(faces, key=lambda f: -(f.face.box.width * f.face.box.height))


def landmark_box(run: LandmarkRun) -> tuple[Box, float]:
    """A followed face's box, drawn as the detectors draw theirs, and its roll (radians), from its landmarks."""
    points = run.frame_xy
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    width, height = (x1 - x0) * _BOX_OVER_MESH[0], (y1 - y0) * _BOX_OVER_MESH[1]
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2 + (y1 - y0) * _BOX_DROP
    box = Box(x=float(cx - width / 2), y=float(cy - height / 2), width=float(width), height=float(height))
    image_left, image_right = points[list(IMAGE_LEFT_EYE)].mean(axis=0), points[list(IMAGE_RIGHT_EYE)].mean(axis=0)
    return box, math.atan2(float(image_right[1] - image_left[1]), float(image_right[0] - image_left[0]))
