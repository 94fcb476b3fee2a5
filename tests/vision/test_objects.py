from __future__ import annotations

import pytest

from interview_integrity.config import ObjectThresholds
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.objects import select_objects, touches_border
from interview_integrity.vision.signals import Box, DetectedObject
from tests.conftest import load


def labels(analyzer: FrameAnalyzer, name: str) -> set[str]:
    return {o.label for o in analyzer.analyze(load(name), 0.0).objects}


@pytest.mark.parametrize("name", ["phone_rf_texting_down.jpg", "phone_three_friends.jpg", "phone_texting_no_face.jpg"])
def test_phone_found(analyzer: FrameAnalyzer, name: str) -> None:
    assert "cell phone" in labels(analyzer, name)


@pytest.mark.parametrize(
    "name", ["mug_not_phone_webcam.png", "face1_grace_hopper.jpg", "noface_empty_desk_laptop.jpg", "faces6_group.jpg"]
)
def test_no_phone_where_there_is_none(analyzer: FrameAnalyzer, name: str) -> None:
    assert "cell phone" not in labels(analyzer, name)


def test_laptop_on_the_empty_desk(analyzer: FrameAnalyzer) -> None:
    objects = analyzer.analyze(load("noface_empty_desk_laptop.jpg"), 0.0).objects
    laptop = next(o for o in objects if o.label == "laptop")
    assert laptop.confidence > 0.8 and laptop.source == "yolo"


def test_person_and_book(analyzer: FrameAnalyzer) -> None:
    assert {"person", "book"} <= labels(analyzer, "faces3_office_books.jpg")


def test_object_detection_every_nth_frame() -> None:
    from interview_integrity.config import VisionSettings

    analyzer = FrameAnalyzer(VisionSettings(object_every_n_frames=3))
    try:
        image = load("noface_empty_desk_laptop.jpg")
        analysed = [analyzer.analyze(image, i / 5, frame_index=i).objects_analyzed for i in range(6)]
        assert analysed == [True, False, False, True, False, False]
        assert analyzer.analyze(image, 0.4, frame_index=2).objects == []
    finally:
        analyzer.close()


def test_partial_boxes_need_a_higher_score() -> None:
    thresholds = ObjectThresholds(cell_phone=0.3, partial_penalty=0.1)
    inside = DetectedObject(
        label="cell phone", confidence=0.35, box=Box(x=10, y=10, width=20, height=40), partial=False
    )
    cut = inside.model_copy(update={"partial": True})
    assert select_objects([inside, cut], thresholds) == [inside]
    assert touches_border(Box(x=0, y=10, width=5, height=5), 100, 100)
    assert not touches_border(Box(x=10, y=10, width=5, height=5), 100, 100)
