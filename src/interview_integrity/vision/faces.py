"""Face detection: MediaPipe BlazeFace, full range plus short range, confirmed by the landmark model.

The full-range model finds small and far faces; the short-range one finds large, close, tilted faces
(a webcam close-up, a head bowed over a desk) that the full-range model misses. Less sure detections are
counted only when the face-landmark model also sees a face: face-like objects (a ball, a handset) are
what a detector alone gets wrong on an empty desk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mediapipe.python import solution_base
from mediapipe.python.solutions import face_detection as mp_face_detection

from interview_integrity.config import VisionSettings
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.landmarks import FaceLandmarker
from interview_integrity.vision.model_files import mediapipe_file
from interview_integrity.vision.signals import Box, Face

# The full-range graph ignores min_detection_confidence (a built-in 0.6; mediapipe issue #3896):
# its threshold lives in this calculator's options.
_FULL_RANGE_THRESHOLD = "facedetectionfullrange__facedetection__TensorsToDetectionsCalculator.min_score_thresh"
_CONFIRM_SCALES = (1.4, 1.9)


@dataclass(frozen=True)
class DetectedFace:
    face: Face
    roll: float  # radians, from the eye keypoints: the mesh crop is aligned with it


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
        mediapipe_file("face_detection/face_detection_full_range_sparse.tflite")
        mediapipe_file("face_detection/face_detection_short_range.tflite")
        self._full = solution_base.SolutionBase(
            binary_graph_path=mp_face_detection._FULL_RANGE_GRAPH_FILE_PATH,
            calculator_params={_FULL_RANGE_THRESHOLD: settings.face_min_score},
            outputs=["detections"],
        )
        self._short = mp_face_detection.FaceDetection(
            min_detection_confidence=max(settings.face_min_score, 0.5), model_selection=0
        )

    def close(self) -> None:
        self._full.close()
        self._short.close()

    def detect(self, rgb: Array) -> list[DetectedFace]:
        """Faces in the frame, largest first."""
        height, width = rgb.shape[:2]
        candidates = self._candidates(self._full.process({"image": rgb}), width, height)
        candidates += self._candidates(self._short.process(rgb), width, height)
        min_side = self._settings.min_face_size * min(width, height)
        faces: list[DetectedFace] = []
        for candidate in sorted(candidates, key=lambda c: -c.score):
            cx, cy = candidate.box.center
            if max(candidate.box.width, candidate.box.height) < min_side:
                continue
            if any(found.face.box.contains(cx, cy) for found in faces):
                continue  # the same face seen by both models, or a part of an accepted one
            presence = None
            if candidate.score < self._settings.face_confident_score:
                presence = min(self._presence(rgb, candidate, scale) for scale in _CONFIRM_SCALES)
                if presence < self._settings.face_min_presence:
                    continue
            face = Face(box=candidate.box, confidence=round(candidate.score, 3), presence=presence)
            faces.append(DetectedFace(face=face, roll=candidate.roll))
        return sorted(faces, key=lambda f: -(f.face.box.width * f.face.box.height))

    def _presence(self, rgb: Array, candidate: FaceCandidate, scale: float) -> float:
        cx, cy = candidate.box.center
        size = max(candidate.box.width, candidate.box.height) * scale
        return self._landmarker.presence(rgb, cx, cy, size, candidate.roll)

    @staticmethod
    def _candidates(result: object, width: int, height: int) -> list[FaceCandidate]:
        out = []
        for detection in getattr(result, "detections", None) or []:
            rel = detection.location_data.relative_bounding_box
            keypoints = detection.location_data.relative_keypoints
            box = Box(x=rel.xmin * width, y=rel.ymin * height, width=rel.width * width, height=rel.height * height)
            out.append(
                FaceCandidate(
                    box=box,
                    score=float(detection.score[0]),
                    right_eye=(keypoints[0].x * width, keypoints[0].y * height),
                    left_eye=(keypoints[1].x * width, keypoints[1].y * height),
                )
            )
        return out
