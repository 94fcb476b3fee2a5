from __future__ import annotations

import cv2
import numpy as np
import pytest
from mediapipe.python import solution_base
from mediapipe.python.solutions import face_detection as mp_face_detection

from interview_integrity.vision.blazeface import FULL_RANGE, SHORT_RANGE, BlazeFace, RawDetection, weighted_nms
from tests.conftest import load

# The full-range graph ignores min_detection_confidence (mediapipe issue #3896): set it in the calculator.
_FULL_RANGE_THRESHOLD = "facedetectionfullrange__facedetection__TensorsToDetectionsCalculator.min_score_thresh"
IMAGES = ["face1_grace_hopper.jpg", "faces3_office_books.jpg", "second_person_behind_webcam.png"]
# a bowed head only the short-range model finds; a group photo whose faces the short-range model sees
# at 10 px, where resampling alone moves its scores by 0.2
SHORT_RANGE_IMAGES = [*IMAGES, "gaze_down_at_desk.jpg"]
FULL_RANGE_IMAGES = [*IMAGES, "faces6_group.jpg"]


def _iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    ax0, ay0, aw, ah = a
    bx0, by0, bw, bh = b
    w = max(0.0, min(ax0 + aw, bx0 + bw) - max(ax0, bx0))
    h = max(0.0, min(ay0 + ah, by0 + bh) - max(ay0, by0))
    return w * h / (aw * ah + bw * bh - w * h)


def _boxes(detections: object) -> list[tuple[float, float, float, float, float]]:
    out = []
    for d in getattr(detections, "detections", None) or []:
        r = d.location_data.relative_bounding_box
        out.append((r.xmin, r.ymin, r.width, r.height, float(d.score[0])))
    return out


def _ours(found: list[RawDetection]) -> list[tuple[float, float, float, float, float]]:
    return [(d.xmin, d.ymin, d.width, d.height, d.score) for d in found]


def _assert_same_faces(ours: list[tuple[float, ...]], theirs: list[tuple[float, ...]], bar: float) -> None:
    """Every face either side scores clearly above the bar is found by the other, at the same place
    and score; a face within 0.1 of the bar may fall either way (the graph resizes on its own)."""
    for found, other in ((theirs, ours), (ours, theirs)):
        for box in found:
            if box[4] < bar + 0.1:
                continue
            best = max(other, key=lambda o: _iou(o[:4], box[:4]))  # type: ignore[arg-type]
            assert _iou(best[:4], box[:4]) > 0.8  # type: ignore[arg-type]
            assert best[4] == pytest.approx(box[4], abs=0.1)
    assert abs(len(ours) - len(theirs)) <= sum(1 for box in ours + theirs if box[4] < bar + 0.1)


@pytest.mark.parametrize("name", SHORT_RANGE_IMAGES)
def test_short_range_finds_what_mediapipes_graph_finds(name: str) -> None:
    rgb = cv2.cvtColor(load(name), cv2.COLOR_BGR2RGB)
    with mp_face_detection.FaceDetection(min_detection_confidence=0.5, model_selection=0) as graph:
        theirs = _boxes(graph.process(rgb))
    _assert_same_faces(_ours(BlazeFace(SHORT_RANGE, 0.5).detect(rgb)), theirs, 0.5)


@pytest.mark.parametrize("name", FULL_RANGE_IMAGES)
def test_full_range_finds_what_mediapipes_graph_finds(name: str) -> None:
    rgb = cv2.cvtColor(load(name), cv2.COLOR_BGR2RGB)
    graph = solution_base.SolutionBase(
        binary_graph_path=mp_face_detection._FULL_RANGE_GRAPH_FILE_PATH,
        calculator_params={_FULL_RANGE_THRESHOLD: 0.5},
        outputs=["detections"],
    )
    try:
        theirs = _boxes(graph.process({"image": rgb}))
    finally:
        graph.close()
    assert theirs, "the graph found no face to compare with"
    _assert_same_faces(_ours(BlazeFace(FULL_RANGE, 0.5).detect(rgb)), theirs, 0.5)


def test_eyes_are_in_image_order_and_inside_the_box() -> None:
    rgb = cv2.cvtColor(load("face1_grace_hopper.jpg"), cv2.COLOR_BGR2RGB)
    [face] = BlazeFace(FULL_RANGE, 0.5).detect(rgb)
    assert face.right_eye[0] < face.left_eye[0]  # the subject's right eye is on the image's left
    for x, y in (face.right_eye, face.left_eye):
        assert face.xmin < x < face.xmin + face.width and face.ymin < y < face.ymin + face.height * 0.6


def test_weighted_nms_averages_a_cluster_by_score_and_keeps_the_best_score() -> None:
    corners = np.array([[0.0, 0.0, 1.0, 1.0], [0.1, 0.0, 1.1, 1.0], [5.0, 5.0, 6.0, 6.0]])
    keypoints = np.zeros((3, 6, 2))
    keypoints[1] += 1.0
    scores = np.array([0.9, 0.3, 0.8])
    merged = weighted_nms(corners, keypoints, scores)
    assert [round(score, 2) for _, _, score in merged] == [0.9, 0.8]
    box, points, _ = merged[0]
    assert box[0] == pytest.approx(0.1 * 0.3 / 1.2) and points[0, 0] == pytest.approx(0.3 / 1.2)
    assert merged[1][0].tolist() == [5.0, 5.0, 6.0, 6.0]


def test_nothing_above_the_bar_is_an_empty_list() -> None:
    assert BlazeFace(FULL_RANGE, 0.5).detect(np.zeros((480, 640, 3), np.uint8)) == []
