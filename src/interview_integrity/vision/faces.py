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

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.blazeface import FULL_RANGE, SHORT_RANGE, BlazeFace, RawDetection
from interview_integrity.vision.landmarks import (
    IMAGE_LEFT_EYE,
    IMAGE_RIGHT_EYE,
    MESH_CROP_SCALE,
    FaceLandmarker,
    LandmarkRun,
)
from interview_integrity.vision.settings import VisionSettings
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
# A frame much wider than tall (or taller than wide) is letterboxed into the full-range model's square input,
# which shrinks its faces by the long side: a 16:9 frame's 70 px face is 11 px there, at the model's limit
# (two students of vid_exam_hall_phone_on_desk.mp4 scored 0.2-0.7, found or lost by chance from frame to
# frame). A search also runs the model on square tiles across the long side, where the same face is twice as
# large (it scored 0.67-0.88 on every second sampled).
_TILE_ASPECT = 1.5


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

    def detect(self, rgb: Array, known: list[TrackedFace] | None = None) -> list[DetectedFace]:
        """Faces in the frame, largest first. `known`: a stream's last faces; one the detectors miss on this
        frame (a far, small or bowed face, found on a frame before) is kept when the landmark model still sees
        it at its place: a whole-frame search looks for new faces, it does not lose the ones it had."""
        height, width = rgb.shape[:2]
        candidates = self._candidates(self._full.detect(rgb) + self._short.detect(rgb), width, height)
        faces = self._accept(rgb, candidates + self._tiled(rgb), [])
        for last in known or []:
            if not any(found.face.box.contains(*last.box.center) for found in faces):
                again = self._found_again(rgb, last, faces)
                faces += [again] if again is not None else []
        return _largest_first(faces)

    def follow(self, rgb: Array, previous: list[TrackedFace]) -> list[DetectedFace] | None:
        """The last frame's faces found again at their last place, plus new faces close to the camera, largest
        first; None when a face followed is not there any more: the whole frame must then be searched."""
        faces: list[DetectedFace] = []
        for last in previous:
            again = self._found_again(rgb, last, faces)
            if again is None:
                return None
            faces.append(again)
        height, width = rgb.shape[:2]
        return _largest_first(self._accept(rgb, self._candidates(self._short.detect(rgb), width, height), faces))

    def _found_again(self, rgb: Array, last: TrackedFace, faces: list[DetectedFace]) -> DetectedFace | None:
        """The face of `last` at its last place, when the landmark model still sees it there; None when it does
        not, when it became too small, or when it is one of `faces` (two faces became one)."""
        cx, cy = last.box.center
        side = max(last.box.width, last.box.height) * MESH_CROP_SCALE
        run = self._landmarker.run(rgb, cx, cy, side, last.roll)
        if run.presence < self._settings.face_min_presence:
            return None
        box, roll = landmark_box(run)
        if max(box.width, box.height) < self._min_side(rgb) or any(_covers(found, box) for found in faces):
            return None
        return DetectedFace(Face(box=box, confidence=last.confidence, presence=run.presence), roll, run)

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

    def _tiled(self, rgb: Array) -> list[FaceCandidate]:
        """Full-range candidates on square tiles spread evenly across a long frame (none for a squarish one)."""
        height, width = rgb.shape[:2]
        side, long = min(height, width), max(height, width)
        if long < _TILE_ASPECT * side:
            return []
        count = math.ceil(long / side)
        found = []
        for i in range(count):
            offset = round(i * (long - side) / (count - 1))
            tile = rgb[:, offset : offset + side] if width > height else rgb[offset : offset + side]
            at = (offset, 0) if width > height else (0, offset)
            found += self._candidates(self._full.detect(tile), side, side, at)
        return found

    @staticmethod
    def _candidates(
        detections: list[RawDetection], width: int, height: int, at: tuple[int, int] = (0, 0)
    ) -> list[FaceCandidate]:
        x0, y0 = at
        return [
            FaceCandidate(
                box=Box(x=x0 + d.xmin * width, y=y0 + d.ymin * height, width=d.width * width, height=d.height * height),
                score=d.score,
                right_eye=(x0 + d.right_eye[0] * width, y0 + d.right_eye[1] * height),
                left_eye=(x0 + d.left_eye[0] * width, y0 + d.left_eye[1] * height),
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
