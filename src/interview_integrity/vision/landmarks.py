"""Face mesh (468 points) and iris landmarks from MediaPipe's models, run on our own aligned crops.

Running the models directly (TFLite) rather than through the FaceMesh solution lets the mesh run on the
full-range detector's face instead of FaceMesh's own short-range detector, which misses small faces,
and exposes the landmark model's face-presence score used to confirm uncertain detections.

The eye's corners and lids come from the iris model's own eye contour, not from the face mesh: the
iris model sees the eye at 64 px where the mesh sees the whole face at 192, so its corners are placed
in the same pixels, by the same model, as the iris they are compared with. On at-camera faces that
halves the spread of the vertical iris reading (fairness set and dev images: s.d. 0.046 -> 0.024 eye
widths) and keeps a covered or distorted half of the face (an eye patch, a hand) from moving the other
eye's corners. The mesh's corners still place the eye crop and give the eye's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.crops import Crop, rotated_crop
from interview_integrity.vision.model_files import mediapipe_file

MESH_INPUT = 192
IRIS_INPUT = 64
MESH_CROP_SCALE = 1.5  # MediaPipe's own face ROI: the detection box enlarged 1.5x
IRIS_CROP_SCALE = 2.3  # MediaPipe's own eye ROI: the corner-to-corner width enlarged 2.3x

# Mesh indices of the eye corners. "Image-left eye" is the subject's right eye.
IMAGE_LEFT_EYE = (33, 133)
IMAGE_RIGHT_EYE = (263, 362)
# Points of the iris model's 71-point eye contour: both corners and the middle of each lid
# (MediaPipe maps contour points 0, 8, 12 and 4 onto mesh points 33, 133, 159 and 145).
_CONTOUR_CORNERS = (0, 8)
_CONTOUR_UPPER, _CONTOUR_LOWER = 12, 4


def _sigmoid(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-x)))


@dataclass(frozen=True)
class Eye:
    corners: Array  # (2, 2): image-left corner, image-right corner, frame px
    upper: Array  # (2,)
    lower: Array  # (2,)
    iris: Array  # (2,) iris centre, frame px
    mesh_width: float  # corner to corner on the face mesh, frame px: the eye's size


def _sorted_by_x(a: Array, b: Array) -> Array:
    return np.array(sorted([a, b], key=lambda p: float(p[0])))


@dataclass(frozen=True)
class FaceMesh:
    points: Array  # (468, 3) frame px (z relative, same scale as x)
    image_left_eye: Eye
    image_right_eye: Eye

    @property
    def eye_width_px(self) -> float:
        """The smaller eye's width: the one whose iris is hardest to place."""
        return min(self.image_left_eye.mesh_width, self.image_right_eye.mesh_width)


@dataclass(frozen=True)
class LandmarkRun:
    """One run of the face-landmark model on a square crop: its points (crop px) and face-presence score."""

    crop: Crop
    side: float  # the crop's side in frame px
    points: Array  # (468, 3)
    presence: float

    @cached_property
    def frame_xy(self) -> Array:
        """The points' x and y in frame px: a followed face's box and the mesh both need them."""
        return self.crop.to_frame(self.points[:, :2])


class _Model:
    def __init__(self, relative_path: str) -> None:
        self._interpreter = Interpreter(model_path=str(mediapipe_file(relative_path)), num_threads=1)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        self._outputs = [d["index"] for d in self._interpreter.get_output_details()]

    def __call__(self, pixels: Array) -> list[Array]:
        tensor = (pixels.astype(np.float32) / 255.0)[None]
        self._interpreter.set_tensor(self._input, tensor)
        self._interpreter.invoke()
        return [self._interpreter.get_tensor(index) for index in self._outputs]


class FaceLandmarker:
    """Not thread-safe: each worker thread uses its own instance (see FrameAnalyzer)."""

    def __init__(self) -> None:
        self._mesh = _Model("face_landmark/face_landmark.tflite")
        self._iris = _Model("iris_landmark/iris_landmark.tflite")

    def run(self, rgb: Array, cx: float, cy: float, side: float, angle: float) -> LandmarkRun:
        """The face-landmark model on a crop `side` px wide: what confirms a face, and what the mesh is made of."""
        crop = rotated_crop(rgb, cx, cy, side, angle, MESH_INPUT)
        raw, presence = self._mesh(crop.pixels)
        return LandmarkRun(crop, side, raw.reshape(-1, 3), _sigmoid(float(presence.ravel()[0])))

    def mesh(self, rgb: Array, cx: float, cy: float, size: float, angle: float) -> FaceMesh:
        """The mesh of the face whose detection box is `size` px wide, on MediaPipe's own crop of it."""
        return self.mesh_from(rgb, self.run(rgb, cx, cy, size * MESH_CROP_SCALE, angle))

    def mesh_from(self, rgb: Array, run: LandmarkRun) -> FaceMesh:
        """The mesh from a run already made (the one that confirmed the face), with both eyes' iris."""
        points = np.empty_like(run.points)
        points[:, :2] = run.frame_xy
        points[:, 2] = run.points[:, 2] * (run.side / MESH_INPUT)
        return FaceMesh(
            points=points,
            image_left_eye=self._eye(rgb, points, IMAGE_LEFT_EYE, flip=False),
            image_right_eye=self._eye(rgb, points, IMAGE_RIGHT_EYE, flip=True),
        )

    def _eye(self, rgb: Array, points: Array, index: tuple[int, int], *, flip: bool) -> Eye:
        corners = _sorted_by_x(points[index[0], :2], points[index[1], :2])
        centre = corners.mean(axis=0)
        delta = corners[1] - corners[0]
        width = float(np.linalg.norm(delta))
        angle = float(np.arctan2(delta[1], delta[0]))
        crop = rotated_crop(
            rgb, float(centre[0]), float(centre[1]), max(width, 1.0) * IRIS_CROP_SCALE, angle, IRIS_INPUT
        )
        # the iris model knows one eye only; MediaPipe mirrors the other one into it
        pixels = crop.pixels[:, ::-1] if flip else crop.pixels
        contour, iris = self._iris(np.ascontiguousarray(pixels))
        # the mean of the centre and four rim points is steadier than the centre point alone
        iris_xy = iris.reshape(-1, 3)[:, :2].mean(axis=0, keepdims=True)
        eye_xy = contour.reshape(-1, 3)[:, :2].copy()
        if flip:
            iris_xy[:, 0] = IRIS_INPUT - iris_xy[:, 0]
            eye_xy[:, 0] = IRIS_INPUT - eye_xy[:, 0]
        eye = crop.to_frame(eye_xy)
        return Eye(
            corners=_sorted_by_x(eye[_CONTOUR_CORNERS[0]], eye[_CONTOUR_CORNERS[1]]),
            upper=eye[_CONTOUR_UPPER],
            lower=eye[_CONTOUR_LOWER],
            iris=crop.to_frame(iris_xy)[0],
            mesh_width=width,
        )
