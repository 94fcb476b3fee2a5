from __future__ import annotations

from pathlib import Path

import pytest

from interview_integrity.config import ObjectThresholds, VisionSettings
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.objects import fuse, select_objects, touches_border
from interview_integrity.vision.signals import Box, DetectedObject
from interview_integrity.vision.stream import FrameStream
from tests.conftest import load


@pytest.fixture(scope="module")
def detectors_only() -> FrameAnalyzer:
    """The detectors' own phones, before the second look (tests/vision/phone/test_second_look.py) judges them."""
    return FrameAnalyzer(VisionSettings(second_look=False))


def labels(analyzer: FrameAnalyzer, name: str) -> set[str]:
    return {o.label for o in analyzer.analyze(load(name), 0.0).objects}


@pytest.mark.parametrize(
    "name",
    [
        "phone_rf_texting_down.jpg",
        "phone_three_friends.jpg",
        "phone_texting_no_face.jpg",  # YOLO finds this one
        "phone_rf_screen_shown.jpg",  # SSDLite finds these
        "phone_rf_boy_occluding.jpg",
        "phone_rf_landscape_near_cam.jpg",
        "obj_phone_only.jpg",
    ],
)
def test_phone_found(detectors_only: FrameAnalyzer, name: str) -> None:
    assert "cell phone" in labels(detectors_only, name)


@pytest.mark.parametrize(
    "name", ["mug_not_phone_webcam.png", "face1_grace_hopper.jpg", "noface_empty_desk_laptop.jpg", "faces6_group.jpg"]
)
def test_no_phone_where_there_is_none(analyzer: FrameAnalyzer, name: str) -> None:
    assert "cell phone" not in labels(analyzer, name)


def test_laptop_on_the_empty_desk(analyzer: FrameAnalyzer) -> None:
    objects = analyzer.analyze(load("noface_empty_desk_laptop.jpg"), 0.0).objects
    laptop = next(o for o in objects if o.label == "laptop")
    assert laptop.confidence > 0.8 and set(laptop.source.split("+")) == {"yolo", "ssdlite"}


def test_person_and_book(analyzer: FrameAnalyzer) -> None:
    assert {"person", "book"} <= labels(analyzer, "faces3_office_books.jpg")


def test_a_stream_looks_for_objects_every_0_6_s(analyzer: FrameAnalyzer) -> None:
    image = load("noface_empty_desk_laptop.jpg")
    stream = FrameStream(analyzer)
    analysed = [stream.analyze(image, i / 5) for i in range(7)]
    assert [s.objects_analyzed for s in analysed] == [True, False, False, True, False, False, True]
    assert analysed[2].objects == [] and analysed[3].objects  # a frame that skips objects reports none


def test_partial_boxes_need_a_higher_score() -> None:
    thresholds = ObjectThresholds(cell_phone=0.3, partial_penalty=0.1)
    inside = DetectedObject(
        label="cell phone", confidence=0.35, box=Box(x=10, y=10, width=20, height=40), partial=False
    )
    cut = inside.model_copy(update={"partial": True})
    assert select_objects([inside, cut], thresholds) == [inside]
    assert touches_border(Box(x=0, y=10, width=5, height=5), 100, 100)
    assert not touches_border(Box(x=10, y=10, width=5, height=5), 100, 100)


def test_fusion_reports_one_object_per_thing_with_every_source() -> None:
    box = Box(x=10, y=10, width=40, height=80)
    shifted = Box(x=14, y=12, width=40, height=80)
    yolo = [DetectedObject(label="cell phone", confidence=0.3, box=box, partial=False, source="yolo")]
    ssd = [
        DetectedObject(label="cell phone", confidence=0.6, box=shifted, partial=False, source="ssdlite"),
        DetectedObject(label="book", confidence=0.2, box=box, partial=False, source="ssdlite"),
    ]
    thresholds = {"yolo": ObjectThresholds(cell_phone=0.1), "ssdlite": ObjectThresholds(cell_phone=0.15, book=0.3)}
    [phone] = fuse({"yolo": yolo, "ssdlite": ssd}, thresholds)
    assert phone.confidence == 0.6 and phone.source == "ssdlite+yolo"


def test_without_the_converted_model_the_analyzer_runs_yolo_alone(tmp_path: Path) -> None:
    from interview_integrity.config import VisionSettings

    analyzer = FrameAnalyzer(VisionSettings(models_dir=tmp_path))
    try:
        assert analyzer.detector_names == ["yolo", "phone"]  # ours ships in the package
        assert "laptop" in {o.label for o in analyzer.analyze(load("noface_empty_desk_laptop.jpg"), 0.0).objects}
    finally:
        analyzer.close()


def test_every_detector_on_stills_and_yolo_every_1_8_s_of_a_stream(analyzer: FrameAnalyzer) -> None:
    assert analyzer.detector_names == ["ssdlite", "yolo", "phone"]
    image = load("noface_empty_desk_laptop.jpg")
    assert {"yolo", "ssdlite", "phone"} <= set(analyzer.analyze(image, 0.0).timings_ms)  # a still
    stream = FrameStream(analyzer)
    ran = [set(stream.analyze(image, i / 5).timings_ms) & {"yolo", "ssdlite", "phone"} for i in range(10)]
    both, ssd = {"yolo", "ssdlite", "phone"}, {"ssdlite", "phone"}
    assert ran == [both, set(), set(), ssd, set(), set(), ssd, set(), set(), both]


def test_a_one_class_detector_defers_to_a_surer_detector_that_tells_laptops_from_phones() -> None:
    laptop_box, phone_box = Box(x=10, y=10, width=330, height=230), Box(x=0, y=14, width=350, height=215)
    ssd = [DetectedObject(label="laptop", confidence=0.98, box=laptop_box, partial=False, source="ssdlite")]
    ours = [
        DetectedObject(label="cell phone", confidence=0.91, box=phone_box, partial=False, source="phone"),
        # a phone lying on that laptop is a different object: kept
        DetectedObject(
            label="cell phone", confidence=0.8, box=Box(x=40, y=40, width=30, height=50), partial=False, source="phone"
        ),
    ]
    thresholds = {"ssdlite": ObjectThresholds(), "phone": ObjectThresholds(cell_phone=0.6)}
    found = fuse({"ssdlite": ssd, "phone": ours}, thresholds, one_class={"phone"})
    assert [(o.label, o.confidence) for o in found] == [("laptop", 0.98), ("cell phone", 0.8)]
    # where ours is the surer one (COCO's SSDLite calls some phones near the lens a laptop), the phone stands
    unsure = [ssd[0].model_copy(update={"confidence": 0.5})]
    assert {o.label for o in fuse({"ssdlite": unsure, "phone": ours[:1]}, thresholds, {"phone"})} == {
        "laptop",
        "cell phone",
    }
    # a person is not a look-alike: a phone held up to the lens in front of a face stays a phone
    person = [DetectedObject(label="person", confidence=0.9, box=phone_box, partial=False, source="ssdlite")]
    assert "cell phone" in {o.label for o in fuse({"ssdlite": person, "phone": ours[:1]}, thresholds, {"phone"})}
    # without the one-class mark, both are reported
    assert len(fuse({"ssdlite": ssd, "phone": ours[:1]}, thresholds)) == 2
