from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from interview_integrity.config import VisionSettings
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.faces import DetectedFace
from interview_integrity.vision.schedule import phase_of
from interview_integrity.vision.signals import DetectedObject, FrameSignals
from tests.conftest import DATA, load

NAMES = ["faces2_portraits.jpg", "face1_grace_hopper.jpg", "noface_empty_desk_laptop.jpg", "phone_rf_texting_down.jpg"]


def test_signals_are_json_serialisable(analyzer: FrameAnalyzer) -> None:
    signals = analyzer.analyze(load("phone_rf_texting_down.jpg"), 12.5)
    data = json.loads(signals.model_dump_json())
    assert data["timestamp"] == 12.5
    # everything but the face track and object schedule, which are for the stream's next frame, not for readers
    assert "track" not in data and "schedule" not in data and signals.track is not None
    assert FrameSignals.model_validate(data) == signals.model_copy(
        update={"track": None, "schedule": None, "signature": None, "identity": None}
    )
    assert set(data["timings_ms"]) >= {"faces", "mesh", "ssdlite", "yolo", "total"}


def test_analyze_bytes_decodes_then_analyzes(analyzer: FrameAnalyzer) -> None:
    raw = (DATA / "faces2_portraits.jpg").read_bytes()
    assert analyzer.analyze_bytes(raw, 1.0).faces.count == 2


def test_threads_share_one_analyzer_and_agree_with_a_single_thread() -> None:
    """Four threads, two model sets: results must equal the sequential ones exactly."""
    analyzer = FrameAnalyzer(VisionSettings(), workers=2)
    try:
        images = [load(name) for name in NAMES] * 3
        expected = [analyzer.analyze(image, 0.0).model_dump(exclude={"timings_ms"}) for image in images]
        with ThreadPoolExecutor(max_workers=4) as pool:
            got = list(pool.map(lambda image: analyzer.analyze(image, 0.0).model_dump(exclude={"timings_ms"}), images))
        assert got == expected
    finally:
        analyzer.close()


def test_the_costliest_detector_runs_beside_the_faces_with_the_same_results(analyzer: FrameAnalyzer) -> None:
    """Object frames with both detectors (0) and with SSDLite alone (3) agree with one thread exactly."""
    assert analyzer.settings.parallel_objects
    one_thread = FrameAnalyzer(VisionSettings(parallel_objects=False))
    threads: dict[str, set[str]] = {}
    for detector in analyzer.pool.sets[0].objects:
        detect = detector.detect

        def recorded(
            bgr: np.ndarray, detect: Callable[[np.ndarray], list[DetectedObject]] = detect, name: str = detector.name
        ) -> list[DetectedObject]:
            threads.setdefault(name, set()).add(threading.current_thread().name)
            return detect(bgr)

        detector.detect = recorded  # type: ignore[method-assign]
    try:
        for name in NAMES:
            for detect in ("all", "light"):
                image = load(name)
                got = analyzer.analyze(image, 0.0, detect=detect)  # type: ignore[arg-type]
                expected = one_thread.analyze(image, 0.0, detect=detect)  # type: ignore[arg-type]
                assert got.model_dump(exclude={"timings_ms"}) == expected.model_dump(exclude={"timings_ms"})
                assert set(got.timings_ms) == set(expected.timings_ms)
        # YOLO always beside; SSDLite beside when it runs alone, after the face models when YOLO runs too
        assert {thread.split("_")[0] for thread in threads["yolo"]} == {"objects"}
        assert {thread.split("_")[0] for thread in threads["ssdlite"]} == {"objects", threading.current_thread().name}
    finally:
        for detector in analyzer.pool.sets[0].objects:
            del detector.detect  # type: ignore[attr-defined]
        one_thread.close()


def test_a_frame_that_fails_returns_its_model_set_only_once_the_helper_is_done() -> None:
    """The helper thread uses the borrowed set's detector: the set goes back to the pool after it finishes,
    even when the face models raise, so no other frame can use that detector at the same time."""
    analyzer = FrameAnalyzer(VisionSettings())
    models = analyzer.pool.sets[0]
    finished = threading.Event()
    costliest = max(models.objects, key=lambda d: d.relative_cost)
    detect = costliest.detect

    def slow(bgr: np.ndarray) -> list[DetectedObject]:
        found = detect(bgr)
        time.sleep(0.2)
        finished.set()
        return found

    def broken(rgb: np.ndarray, known: object = None) -> list[DetectedFace]:
        raise RuntimeError("face model failed")

    costliest.detect = slow  # type: ignore[method-assign]
    models.faces.detect = broken  # type: ignore[method-assign]
    try:
        with pytest.raises(RuntimeError, match="face model failed"):
            analyzer.analyze(load("phone_rf_texting_down.jpg"), 0.0)
        assert finished.is_set()
        assert analyzer.pool.free == 1
    finally:
        analyzer.close()


def test_a_missing_8_bit_file_falls_back_to_the_float_models(tmp_path: Path) -> None:
    """Only the float SSDLite file in the models folder: both detectors still run, in floating point."""
    installed = VisionSettings().models_dir / "ssdlite_mobilenet_v2_coco.onnx"
    shutil.copy(installed, tmp_path / installed.name)
    analyzer = FrameAnalyzer(VisionSettings(models_dir=tmp_path))
    try:
        assert analyzer.detector_names == ["ssdlite", "yolo", "phone"]
        with analyzer.pool.borrow() as models:
            kinds = {type(d).__name__ for d in models.objects}
        assert kinds == {"SsdLiteDetector", "YoloV4TinyDetector", "PhoneDetector"}
        phones = [
            o for o in analyzer.analyze(load("phone_rf_texting_down.jpg"), 0.0).objects if o.label == "cell phone"
        ]
        assert phones
    finally:
        analyzer.close()


def test_a_streams_phase_comes_from_its_first_timestamp_and_stays(analyzer: FrameAnalyzer) -> None:
    one, two = load("face1_grace_hopper.jpg"), load("faces2_portraits.jpg")
    first = analyzer.analyze(one, 0.0123456).schedule
    assert first is not None and first.phase == phase_of(0.0123456) > 0
    # the same time, other pixels (another encoding of the frame): the same phase, so the same plan
    other = analyzer.analyze(two, 0.0123456).schedule
    assert other is not None and other.phase == first.phase
    assert analyzer.analyze(one, 0.0).schedule.phase == 0.0  # type: ignore[union-attr]  # a replay from 0: as before
    # the stream's next frames keep the phase of its first
    following = analyzer.analyze(two, 0.2123456, schedule=first).schedule
    assert following is not None and following.phase == first.phase
