"""The second look as the analyzer runs it: only verified phones are phones, a detector's agreement lowers the
bar, and the phones come back in the analysed frame's pixels. Real images of the test splits the verifier never
trained on and whose points were not chosen on; a scripted verifier for the decision rule alone."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from interview_integrity.config import VisionSettings
from interview_integrity.training.verifier import sources
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.phone.candidates import Candidate
from interview_integrity.vision.phone.second_look import ALONE, BACKED, SecondLook
from interview_integrity.vision.signals import Box, DetectedObject
from tests.conftest import DATA

SAMPLE = 40  # images of a test split, every k-th in the manifest's order


def _sample(images: list[sources.Image]) -> list[sources.Image]:
    return images[:: max(1, len(images) // SAMPLE)][:SAMPLE]


@pytest.fixture(scope="module")
def analyzer() -> FrameAnalyzer:
    return FrameAnalyzer(VisionSettings())


def _phones(analyzer: FrameAnalyzer, image: Array) -> list[DetectedObject]:
    return [o for o in analyzer.analyze(image, 0.0, identity=False).objects if o.label == "cell phone"]


def test_phones_of_people_never_in_training_are_found(analyzer: FrameAnalyzer) -> None:
    """The issue asks for 85% of phone_using v2 test; on a sample of 40 the bar is a little lower."""
    images = [i for i in _sample(sources.phone_using(DATA, "test")) if len(i.phones)]
    found = [image.name for image in images if _phones(analyzer, image.bgr)]
    assert len(images) >= 30
    assert len(found) >= 0.8 * len(images), f"{len(found)}/{len(images)}"


def test_hands_and_earbud_cases_are_not_phones(analyzer: FrameAnalyzer) -> None:
    """Hands at the face, hand shapes and earbud cases (hands_no_phone test): today's union called 13% of them
    phones; the second look at most one in twenty of a sample."""
    images = _sample(sources.hands_no_phone(DATA, "test"))
    flagged = [image.name for image in images if _phones(analyzer, image.bgr)]
    assert len(images) >= 30
    assert len(flagged) <= len(images) / 20, flagged


def test_every_reported_phone_carries_its_second_look(analyzer: FrameAnalyzer) -> None:
    image = next(i for i in _sample(sources.phone_using(DATA, "test")) if _phones(analyzer, i.bgr))
    assert all(p.second_look is not None and p.second_look >= BACKED for p in _phones(analyzer, image.bgr))


class Scripted:
    """A verifier whose score for a candidate is set by the candidate's box's x."""

    size = 96

    def __init__(self, scores: dict[float, float]) -> None:
        self.scores = scores

    def verify(self, bgr: Array, candidates: Sequence[Candidate]) -> list[float]:
        return [self.scores[c.box.x] for c in candidates]


def _floor(x: float, score: float = 0.1) -> DetectedObject:
    return DetectedObject(label="cell phone", confidence=score, box=Box(x=x, y=100, width=40, height=60), partial=False)


def _look(scores: dict[float, float]) -> SecondLook:
    return SecondLook(Scripted(scores), hands=False, ears=False)  # type: ignore[arg-type]


def test_a_box_a_detector_also_reported_needs_less_than_one_nobody_backs() -> None:
    frame = np.zeros((480, 640, 3), np.uint8)
    between = (BACKED + ALONE) / 2
    look = _look({100.0: between, 300.0: between, 500.0: ALONE})
    floor = [_floor(100.0), _floor(300.0), _floor(500.0)]
    reported = [_floor(100.0, 0.6)]  # a detector reported this one at its own bar
    phones = look.phones(frame, frame, 1.0, floor, [], reported)
    assert sorted(p.box.x for p in phones) == [100.0, 500.0]
    assert all(p.second_look == p.confidence for p in phones)


def test_phones_come_back_in_the_analysed_frames_pixels() -> None:
    original = np.zeros((960, 1280, 3), np.uint8)
    analysed = np.zeros((480, 640, 3), np.uint8)
    look = _look({200.0: 0.99})  # the floor box at x=100 of the analysed frame is at x=200 of the original
    [phone] = look.phones(original, analysed, 2.0, [_floor(100.0)], [])
    assert phone.box.x == pytest.approx(100.0) and phone.box.width == pytest.approx(40.0)


def test_nothing_verified_nothing_reported() -> None:
    frame = np.zeros((480, 640, 3), np.uint8)
    assert _look({100.0: BACKED - 0.01}).phones(frame, frame, 1.0, [_floor(100.0)], [], [_floor(100.0, 0.9)]) == []


def test_switched_off_the_detectors_phones_are_reported_unverified() -> None:
    analyzer = FrameAnalyzer(VisionSettings(second_look=False))
    image = next(i for i in sources.dev_images(DATA)[0] if "screen_shown" in i.name)
    phones = _phones(analyzer, image.bgr)
    assert phones and all(p.second_look is None for p in phones)


def test_a_box_nobody_vouches_for_inside_a_laptop_is_not_a_phone() -> None:
    """A touchpad or a key block looks like a phone to a crop that sees only it; a detector that knows laptops
    saw the laptop around it. A phone a detector reported there at its bar still counts."""
    frame = np.zeros((480, 640, 3), np.uint8)
    laptop = DetectedObject(label="laptop", confidence=0.8, box=Box(x=80, y=60, width=300, height=200), partial=False)
    look = _look({100.0: 0.99, 300.0: 0.99})
    floor = [_floor(100.0), _floor(300.0)]
    phones = look.phones(frame, frame, 1.0, floor, [], [laptop])
    assert phones == []
    phones = look.phones(frame, frame, 1.0, floor, [], [laptop, _floor(300.0, 0.6)])
    assert [p.box.x for p in phones] == [300.0]
