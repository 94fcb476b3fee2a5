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
from interview_integrity.vision.phone.second_look import POINT, SecondLook
from interview_integrity.vision.signals import Box, DetectedObject
from interview_integrity.vision.video import sample_frames
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
    assert all(p.second_look is not None and p.second_look >= POINT for p in _phones(analyzer, image.bgr))


class Scripted:
    """A verifier whose score for a candidate is set by the candidate's box's x."""

    size = 96

    def __init__(self, scores: dict[float, float]) -> None:
        self.scores = scores

    def verify(self, bgr: Array, candidates: Sequence[Candidate]) -> list[float]:
        return [self.scores[c.box.x] for c in candidates]


def _phone(x: float, score: float = 0.6) -> DetectedObject:
    return DetectedObject(label="cell phone", confidence=score, box=Box(x=x, y=100, width=40, height=60), partial=False)


def _look(scores: dict[float, float]) -> SecondLook:
    return SecondLook(Scripted(scores))  # type: ignore[arg-type]


def test_a_reported_phone_stays_a_phone_only_when_verified() -> None:
    frame = np.zeros((480, 640, 3), np.uint8)
    look = _look({100.0: POINT, 300.0: POINT - 0.01})
    laptop = DetectedObject(label="laptop", confidence=0.8, box=Box(x=400, y=60, width=200, height=200), partial=False)
    phones = look.phones(frame, 1.0, [_phone(100.0), _phone(300.0), laptop])
    assert [p.box.x for p in phones] == [100.0]
    assert phones[0].second_look == phones[0].confidence == POINT


def test_phones_come_back_in_the_analysed_frames_pixels() -> None:
    original = np.zeros((960, 1280, 3), np.uint8)
    look = _look({200.0: 0.99})  # the box at x=100 of the analysed frame is at x=200 of the original
    [phone] = look.phones(original, 2.0, [_phone(100.0)])
    assert phone.box.x == pytest.approx(100.0) and phone.box.width == pytest.approx(40.0)


def test_no_phone_reported_no_work() -> None:
    frame = np.zeros((480, 640, 3), np.uint8)
    assert _look({}).phones(frame, 1.0, []) == []


def test_switched_off_the_detectors_phones_are_reported_unverified() -> None:
    analyzer = FrameAnalyzer(VisionSettings(second_look=False))
    image = next(i for i in sources.dev_images(DATA)[0] if "screen_shown" in i.name)
    phones = _phones(analyzer, image.bgr)
    assert phones and all(p.second_look is None for p in phones)


def test_a_hand_close_to_the_camera_is_not_a_phone(analyzer: FrameAnalyzer) -> None:
    """A father pointing and a girl's hands on a toy, at 1280x720: boxes no detector vouched for that the
    verifier alone scored 0.99-1.00 (why the second look checks only what a detector reported)."""
    frames = sample_frames(DATA / "vid_two_faces_books.mp4", 5.0)
    flagged = [round(t, 1) for t, frame in frames if _phones(analyzer, frame)]
    assert flagged == []
